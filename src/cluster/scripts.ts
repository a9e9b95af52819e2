/** Lua scripts of the shared limits. Each runs atomically in Redis, so a check and the increment
 * that depends on it can never interleave with another replica's. Amounts are integer micro-units
 * of the quote currency (notional × 1e6, rounded up): Redis INCRBY is exact on int64, and Lua's
 * doubles are exact below 2^53 (9 × 10^9 quote units of open notional per key). Time is Redis
 * TIME, one clock for all replicas. */

const SET_OPEN = `
local function setOpen(h, tot, field, units)
  local old = tonumber(redis.call('HGET', h, field) or '0')
  if units > 0 then redis.call('HSET', h, field, string.format('%d', units)) else redis.call('HDEL', h, field) end
  if units ~= old then redis.call('INCRBY', tot, string.format('%d', units - old)) end
end
local function others(h, tot, field)
  return tonumber(redis.call('GET', tot) or '0') - tonumber(redis.call('HGET', h, field) or '0')
end
`;

const NOW = `
pcall(redis.replicate_commands)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** One round trip per order, before the decision:
 * KEYS 1 msg zset, 2 clientOrderId key, 3 fingerprint key, 4/5 client open hash/total,
 *      6/7 account open hash/total, 8 held hash of this instance, 9 trading-state version
 * ARGV 1 field (instance|intentId), 2 message retention ms, 3 clientOrderId TTL ms (0: no check),
 *      4 units to reserve, 5 held record (json), 6 client cap units ('' none), 7 account cap ('' none),
 *      8.. message windows ms
 * → { now, duplicate, over (0 | 1 client | 2 account), clientOthers, accountOthers, fpTs (-1 none), tsVersion, counts... } */
export const PREFETCH_LUA = `${SET_OPEN}${NOW}
local field = ARGV[1]
local dup = 0
if tonumber(ARGV[3]) > 0 and not redis.call('SET', KEYS[2], field, 'NX', 'PX', ARGV[3]) then dup = 1 end
local ret = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - ret))
local out = { now, dup, 0, 0, 0, -1, 0 }
for i = 8, #ARGV do
  out[#out + 1] = redis.call('ZCOUNT', KEYS[1], now - tonumber(ARGV[i]), '+inf')
end
redis.call('ZADD', KEYS[1], now, now .. ':' .. field)
redis.call('PEXPIRE', KEYS[1], ret)
local c = others(KEYS[4], KEYS[5], field)
local a = others(KEYS[6], KEYS[7], field)
local units = tonumber(ARGV[4])
if dup == 0 and units > 0 then
  if ARGV[6] ~= '' and c + units > tonumber(ARGV[6]) then out[3] = 1
  elseif ARGV[7] ~= '' and a + units > tonumber(ARGV[7]) then out[3] = 2
  else
    setOpen(KEYS[4], KEYS[5], field, units)
    setOpen(KEYS[6], KEYS[7], field, units)
    redis.call('HSET', KEYS[8], field, ARGV[5])
  end
end
out[4] = c
out[5] = a
local fp = redis.call('GET', KEYS[3])
if fp then out[6] = tonumber(fp) end
out[7] = tonumber(redis.call('GET', KEYS[9]) or '0')
return out`;

/** Set (units > 0) or release (units = 0) one order's reservation.
 * KEYS 1/2 client hash/total, 3/4 account hash/total, 5 held hash; ARGV 1 field, 2 units, 3 held json */
export const ADJUST_LUA = `${SET_OPEN}
local units = tonumber(ARGV[2])
if units <= 0 and redis.call('HEXISTS', KEYS[5], ARGV[1]) == 0 then return 0 end
setOpen(KEYS[1], KEYS[2], ARGV[1], units)
setOpen(KEYS[3], KEYS[4], ARGV[1], units)
if units > 0 then redis.call('HSET', KEYS[5], ARGV[1], ARGV[3]) else redis.call('HDEL', KEYS[5], ARGV[1]) end
return 1`;

/** Release everything one instance holds (its orders died with the process).
 * KEYS 1 held hash; ARGV 1 key prefix. Keys are derived from the held records: every key shares
 * the prefix, so on Redis Cluster a {hash tag} in the prefix keeps them in one slot. */
export const RELEASE_INSTANCE_LUA = `${SET_OPEN}
local all = redis.call('HGETALL', KEYS[1])
local n = 0
for i = 1, #all, 2 do
  local rec = cjson.decode(all[i + 1])
  setOpen(ARGV[1] .. 'open:c:' .. rec.c, ARGV[1] .. 'open:c:' .. rec.c .. ':total', all[i], 0)
  setOpen(ARGV[1] .. 'open:a:' .. rec.a, ARGV[1] .. 'open:a:' .. rec.a .. ':total', all[i], 0)
  n = n + 1
end
redis.call('DEL', KEYS[1])
return n`;

/** KEYS 1 zset; ARGV 1 member, 2 retention ms. A message (cancel request) at Redis time. */
export const MESSAGE_LUA = `${NOW}
redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return now`;

/** KEYS 1 fingerprint key; ARGV 1 retention ms. An accepted order's fingerprint at Redis time. */
export const FINGERPRINT_LUA = `${NOW}
redis.call('SET', KEYS[1], now, 'PX', ARGV[1])
return now`;
