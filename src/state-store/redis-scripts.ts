/**
 * Lua scripts for the Redis state store, registered with ioredis `defineCommand` (EVALSHA, one round trip,
 * atomic on the server). Window entries are sorted-set members `"<id>|<cost>"` scored by their time; the
 * arithmetic mirrors `window-math.ts`.
 */

const WINDOW_HELPERS = `
local function cost_of(member)
  return tonumber(string.match(member, '|([%d%.]+)$')) or 1
end
local function live(key, window_ms, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window_ms)
  return redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
end
`;

/**
 * KEYS: blockers…, windows…, counters…
 * ARGV: now, id, #blockers, #windows, #counters, then per window (limit, windowMs, cost),
 *       then per counter (limit, amount, expireAtMs).
 * A blocker whose value is a number is an end time: it blocks while that time is ahead of `now` (so an
 * injected clock is honoured). Any other value blocks while the key exists.
 * Returns {1} or {0, reason, key index (1-based in KEYS), retryAfterMs or -1 for never}.
 */
export const RESERVE = `${WINDOW_HELPERS}
local now = tonumber(ARGV[1])
local id = ARGV[2]
local nb, nw, nc = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])

for i = 1, nb do
  local v = redis.call('GET', KEYS[i])
  if v then
    local untilMs = tonumber(v)
    if untilMs == nil then return {0, 'blocked', i, redis.call('PTTL', KEYS[i])} end
    if untilMs > now then return {0, 'blocked', i, untilMs - now} end
  end
end

local a = 6
for i = 1, nw do
  local k = KEYS[nb + i]
  local limit, window_ms, cost = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  a = a + 3
  if cost > limit then return {0, 'window', nb + i, -1} end
  local entries = live(k, window_ms, now)
  local total = 0
  for j = 1, #entries, 2 do total = total + cost_of(entries[j]) end
  local excess = total + cost - limit
  if excess > 0 then
    local freed, wait = 0, window_ms
    for j = 1, #entries, 2 do
      freed = freed + cost_of(entries[j])
      if freed >= excess then wait = math.max(1, tonumber(entries[j + 1]) + window_ms - now) break end
    end
    return {0, 'window', nb + i, wait}
  end
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

a = 6
for i = 1, nw do
  local k = KEYS[nb + i]
  local window_ms, cost = tonumber(ARGV[a + 1]), ARGV[a + 2]
  a = a + 3
  redis.call('ZADD', k, now, id .. '|' .. cost)
  redis.call('PEXPIRE', k, window_ms)
end
for i = 1, nc do
  local k = KEYS[nb + nw + i]
  local amount, expire_at = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  a = a + 3
  redis.call('INCRBY', k, amount)
  if redis.call('PTTL', k) == -1 then redis.call('PEXPIRE', k, math.max(1, expire_at - now)) end
end
return {1}
`;

/** KEYS: windows…, counters… ARGV: id, #windows, then per counter amount. */
export const RELEASE = `
local id = ARGV[1]
local nw = tonumber(ARGV[2])
for i = 1, nw do
  local members = redis.call('ZRANGE', KEYS[i], 0, -1)
  for _, m in ipairs(members) do
    if string.sub(m, 1, #id + 1) == id .. '|' then redis.call('ZREM', KEYS[i], m) end
  end
end
for i = nw + 1, #KEYS do
  local amount = tonumber(ARGV[i - nw + 2])
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  if current > 0 then redis.call('DECRBY', KEYS[i], math.min(current, amount)) end
end
return 1
`;

/** KEYS[1] window. ARGV: id, new cost. */
export const ADJUST_WINDOW = `
local id, cost = ARGV[1], ARGV[2]
local members = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for j = 1, #members, 2 do
  local m = members[j]
  if string.sub(m, 1, #id + 1) == id .. '|' then
    redis.call('ZREM', KEYS[1], m)
    redis.call('ZADD', KEYS[1], members[j + 1], id .. '|' .. cost)
    return 1
  end
end
return 0
`;

/** KEYS: windows… ARGV: windowMs, now. Returns the live total cost of each window. */
export const WINDOW_USAGE = `${WINDOW_HELPERS}
local out = {}
for i = 1, #KEYS do
  local entries = live(KEYS[i], tonumber(ARGV[1]), tonumber(ARGV[2]))
  local total = 0
  for j = 1, #entries, 2 do total = total + cost_of(entries[j]) end
  out[i] = tostring(total)
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
