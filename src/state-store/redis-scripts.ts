/**
 * Lua scripts for the Redis state store, registered with ioredis `defineCommand` (EVALSHA, one round trip,
 * atomic on the server). Window entries are sorted-set members `"<id>|<cost>"` scored by their time, with a
 * running total in `<window key>:sum` so a check costs the same however full the window is; the arithmetic
 * mirrors `window-math.ts`. Companion keys (`<window>:sum`, `<hold>:c`) are derived inside the scripts;
 * they share their parent's hash tag, so on a Redis Cluster they live in the same slot as the keys passed.
 */

const WINDOW_HELPERS = `
local function cost_of(member)
  return tonumber(string.match(member, '|(%d+)$')) or 1
end
-- Extends a key's expiry to ttl ms unless it already lives longer (held slots are dated in the future).
local function expire_at_least(key, ttl)
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
end
-- Drops expired entries, keeping the running total in <key>:sum in step; returns the live total.
local function evict(key, window_ms, now)
  local cutoff = now - window_ms
  local old = redis.call('ZRANGEBYSCORE', key, '-inf', cutoff)
  local sum_key = key .. ':sum'
  if #old > 0 then
    local freed = 0
    for _, m in ipairs(old) do freed = freed + cost_of(m) end
    redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
    redis.call('DECRBY', sum_key, freed)
  end
  if redis.call('ZCARD', key) == 0 then
    redis.call('DEL', sum_key)
    return 0
  end
  return tonumber(redis.call('GET', sum_key) or '0')
end
-- Cost of the entries still live now but gone by at (dated at or before at - window_ms), and their count.
local function gone_by(key, window_ms, at)
  local members = redis.call('ZRANGEBYSCORE', key, '-inf', at - window_ms)
  local gone = 0
  for _, m in ipairs(members) do gone = gone + cost_of(m) end
  return gone, #members
end
-- Milliseconds after ref until enough of the oldest entries (from rank start) have left for excess units
-- to fit (reads only as many as needed).
local function wait_for(key, excess, window_ms, ref, start)
  local freed = 0
  while true do
    local batch = redis.call('ZRANGE', key, start, start + 63, 'WITHSCORES')
    if #batch == 0 then return window_ms end
    for j = 1, #batch, 2 do
      freed = freed + cost_of(batch[j])
      if freed >= excess then return math.max(1, tonumber(batch[j + 1]) + window_ms - ref) end
    end
    start = start + 64
  end
end
`;

/**
 * KEYS: blockers…, windows…, counters…, then the hold set when #holds is 1.
 * ARGV: now, id, #blockers, #windows, #counters, at, #holds, hold until (or -1), then per window
 *       (limit, windowMs, cost), then per counter (limit, amount, expireAtMs).
 * A blocker whose value is a number is an end time: it blocks while that time is ahead of `at` (so an
 * injected clock is honoured). Any other value blocks while the key exists.
 * Held reservations (hold set: id scored by release time; `<hold>:c` hash: id → costs and amounts) whose
 * time has passed are released first. Returns {1} or {0, reason, key index (1-based in KEYS), retryAfterMs
 * after `at`, or -1 for never}.
 */
export const RESERVE = `${WINDOW_HELPERS}
local now = tonumber(ARGV[1])
local id = ARGV[2]
local nb, nw, nc = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local at, nh, hold_until = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local P = 9
local hold = nil
if nh == 1 then hold = KEYS[nb + nw + nc + 1] end

if hold then
  local expired = redis.call('ZRANGEBYSCORE', hold, '-inf', now)
  for _, hid in ipairs(expired) do
    local spec = redis.call('HGET', hold .. ':c', hid)
    if spec then
      local parts = {}
      for n in string.gmatch(spec, '%S+') do parts[#parts + 1] = n end
      for i = 1, nw do
        local k, cost = KEYS[nb + i], parts[i]
        if cost and redis.call('ZREM', k, hid .. '|' .. cost) == 1 then redis.call('DECRBY', k .. ':sum', cost) end
      end
      for i = 1, nc do
        local k, amount = KEYS[nb + nw + i], tonumber(parts[nw + i] or '0')
        local current = tonumber(redis.call('GET', k) or '0')
        if current > 0 then redis.call('DECRBY', k, math.min(current, amount)) end
      end
    end
    redis.call('ZREM', hold, hid)
    redis.call('HDEL', hold .. ':c', hid)
  end
end

for i = 1, nb do
  local v = redis.call('GET', KEYS[i])
  if v then
    local untilMs = tonumber(v)
    if untilMs == nil then return {0, 'blocked', i, redis.call('PTTL', KEYS[i])} end
    if untilMs > at then return {0, 'blocked', i, untilMs - at} end
  end
end

local a = P
for i = 1, nw do
  local k = KEYS[nb + i]
  local limit, window_ms, cost = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  a = a + 3
  if cost > limit then return {0, 'window', nb + i, -1} end
  local total = evict(k, window_ms, now)
  local gone, skipped = 0, 0
  if at > now then gone, skipped = gone_by(k, window_ms, at) end
  local excess = total - gone + cost - limit
  if excess > 0 then return {0, 'window', nb + i, wait_for(k, excess, window_ms, at, skipped)} end
end

for i = 1, nc do
  local k = KEYS[nb + nw + i]
  local limit, amount = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  local current = tonumber(redis.call('GET', k) or '0')
  if current + amount > limit then
    local wait = -1
    if amount <= limit then wait = redis.call('PTTL', k) end
    return {0, 'counter', nb + nw + i, wait}
  end
  a = a + 3
end

a = P
local spec = {}
for i = 1, nw do
  local k = KEYS[nb + i]
  local window_ms, cost = tonumber(ARGV[a + 1]), ARGV[a + 2]
  a = a + 3
  redis.call('ZADD', k, at, id .. '|' .. cost)
  redis.call('INCRBY', k .. ':sum', cost)
  expire_at_least(k, at - now + window_ms)
  expire_at_least(k .. ':sum', at - now + window_ms)
  spec[#spec + 1] = cost
end
for i = 1, nc do
  local k = KEYS[nb + nw + i]
  local amount, expire_at = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  a = a + 3
  redis.call('INCRBY', k, amount)
  if redis.call('PTTL', k) == -1 then redis.call('PEXPIRE', k, math.max(1, expire_at - now)) end
  spec[#spec + 1] = tostring(amount)
end
if hold and hold_until >= 0 then
  redis.call('ZADD', hold, hold_until, id)
  redis.call('HSET', hold .. ':c', id, table.concat(spec, ' '))
  expire_at_least(hold, hold_until - now + 120000)
  expire_at_least(hold .. ':c', hold_until - now + 120000)
end
return {1}
`;

/** KEYS[1] hold set. ARGV: id. Returns 1 when the reservation was still held (now claimed), else 0. */
export const CLAIM_HOLD = `
local held = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[1] .. ':c', ARGV[1])
return held
`;

/** KEYS: windows…, counters… ARGV: id, #windows, then per window its cost, then per counter its amount. */
export const RELEASE = `
local id = ARGV[1]
local nw = tonumber(ARGV[2])
for i = 1, nw do
  local cost = ARGV[2 + i]
  if redis.call('ZREM', KEYS[i], id .. '|' .. cost) == 1 then redis.call('DECRBY', KEYS[i] .. ':sum', cost) end
end
for i = nw + 1, #KEYS do
  local amount = tonumber(ARGV[2 + i])
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  if current > 0 then redis.call('DECRBY', KEYS[i], math.min(current, amount)) end
end
return 1
`;

/** KEYS[1] window. ARGV: id, old cost, new cost. O(log n): the member is known exactly. */
export const ADJUST_WINDOW = `
local old_member = ARGV[1] .. '|' .. ARGV[2]
local ts = redis.call('ZSCORE', KEYS[1], old_member)
if not ts then return 0 end
redis.call('ZREM', KEYS[1], old_member)
redis.call('ZADD', KEYS[1], ts, ARGV[1] .. '|' .. ARGV[3])
redis.call('INCRBY', KEYS[1] .. ':sum', tonumber(ARGV[3]) - tonumber(ARGV[2]))
return 1
`;

/** KEYS: windows… ARGV: windowMs, now. Returns the live total cost of each window. */
export const WINDOW_USAGE = `${WINDOW_HELPERS}
local out = {}
for i = 1, #KEYS do
  out[i] = tostring(evict(KEYS[i], tonumber(ARGV[1]), tonumber(ARGV[2])))
end
return out
`;

/** KEYS[1] counter. ARGV: by, ttlMs. The TTL is set when the counter is created. */
export const INCREMENT = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v
`;

/**
 * KEYS[1]. ARGV: expireAtMs, now. Stores the end time unless a later one is already stored.
 * Returns the end time in force.
 */
export const EXTEND_UNTIL = `
local proposed, now = tonumber(ARGV[1]), tonumber(ARGV[2])
local current = tonumber(redis.call('GET', KEYS[1]) or '')
if current and current >= proposed then return tostring(current) end
if proposed <= now then return tostring(current or now) end
redis.call('SET', KEYS[1], ARGV[1], 'PX', math.ceil(proposed - now))
return ARGV[1]
`;
