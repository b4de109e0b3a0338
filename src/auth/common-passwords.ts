/**
 * Passwords too common to accept, lower case. A short excerpt of the usual leaked-password top lists (the
 * same idea as Django's `CommonPasswordValidator`, which ships 20,000); only entries of 8+ characters matter,
 * shorter ones already fail the length rule.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  'password', 'password1', 'password12', 'password123', 'password1234', 'password!', 'passw0rd', 'p@ssw0rd',
  'p@ssword', 'pa$$word', 'passpass', 'password2', 'password01', 'mypassword', 'newpassword', 'changeme',
  'changeme1', 'changeme123', '12345678', '123456789', '1234567890', '0987654321', '87654321', '11111111',
  '00000000', '12341234', '11223344', '123123123', '1q2w3e4r', '1q2w3e4r5t', '1qaz2wsx', 'qazwsxedc',
  'zaq12wsx', 'zaq1zaq1', 'qwertyuiop', 'qwerty123', 'qwerty12', 'qwerty1234', 'qwertyui', 'asdfghjkl',
  'asdfasdf', 'zxcvbnm1', 'abcd1234', 'abc12345', 'abcdefgh', 'abcdefg1', 'iloveyou', 'iloveyou1',
  'sunshine', 'sunshine1', 'princess', 'princess1', 'football', 'football1', 'baseball', 'basketball',
  'superman', 'batman123', 'starwars', 'trustno1', 'welcome1', 'welcome123', 'letmein1', 'letmein123',
  'whatever', 'computer', 'internet', 'michelle', 'jennifer', 'jordan23', 'charlie1', 'midnight',
  'mustang1', 'shadow12', 'master12', 'monkey12', 'dragon12', 'freedom1', 'liverpool', 'chelsea1',
  'aa123456', 'a1234567', 'q1w2e3r4', 'q1w2e3r4t5', 'admin123', 'administrator', 'root1234', 'default1',
  'secret123', 'test1234', 'testing1', 'testtest', 'guest123', 'qwer1234', 'hello123', 'hellohello',
  'loveyou1', 'lovely123', 'flower123', 'samsung1', 'google123', 'facebook', 'linkedin', 'access14',
  'trading1', 'trading123', 'bitcoin1', 'bitcoin123', 'investor', 'money123', 'makemoney',
]);
