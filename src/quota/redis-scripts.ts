// The Lua scripts of the Redis store. Redis runs a script atomically, so one EVALSHA
// checks every line of a request and charges all of them or none, whatever other
// replicas do at the same time. The arithmetic is window.ts's, repeated:
//
//   S      = ceil(W / 60)                  slotMs
//   slot   = floor(now / S)                slotAt
//   oldest = floor((now - W + 1) / S)      oldestSlot
//   usage  = sum of slot fields >= oldest  usedAt
//
// Redis' Lua numbers are doubles: exact for whole numbers below 2^53, which covers ms
// timestamps, slot indices and every limit readQuotas accepts. Retry-After and reset
// times are not computed here: the reserve script returns each counter's counted
// slots and window.ts derives them, so they cannot drift from the other stores.
//
// A counter is a hash: one field per slot (decimal slot index → amount) plus `_l`
// (last limit) and `_u` (last unit). It expires W + S ms after its last charge, when
// every slot has left the window; older slots are deleted as they are read.

const PRELUDE = `
local function clock(arg)
  if arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function slotms(w) return math.floor((w + 59) / 60) end
local function oldest(now, w) return math.floor((now - w + 1) / slotms(w)) end
`;

/**
 * KEYS: one counter hash per line.
 * ARGV: now ('' = Redis' clock), then per line: windowMs, limit, amount, unit.
 * Returns {admitted (1|0), now, {slot, used, slot, used, ...} per line}: each
 * counter's counted slots as they stood before the charge.
 */
export const RESERVE = `${PRELUDE}
local now = clock(ARGV[1])
local n = #KEYS
local seen = {}
local pending = {}
local admitted = 1
for i = 1, n do
  local key = KEYS[i]
  local a = 1 + (i - 1) * 4
  local w, limit, amount = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  if seen[key] == nil then
    local first = oldest(now, w)
    local fields = redis.call('HGETALL', key)
    local counted, used = {}, 0
    for j = 1, #fields, 2 do
      local f = fields[j]
      if string.sub(f, 1, 1) ~= '_' then
        local s = tonumber(f)
        if s < first then
          redis.call('HDEL', key, f)
        else
          local v = tonumber(fields[j + 1])
          counted[#counted + 1] = s
          counted[#counted + 1] = v
          if v > 0 then used = used + v end
        end
      end
    end
    seen[key] = {counted = counted, used = used}
    pending[key] = 0
  end
  pending[key] = pending[key] + amount
  if seen[key].used + pending[key] > limit then admitted = 0 end
end
if admitted == 1 then
  for i = 1, n do
    local key = KEYS[i]
    local a = 1 + (i - 1) * 4
    local w, limit, amount, unit = tonumber(ARGV[a + 1]), ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
    if tonumber(amount) > 0 then
      local s = slotms(w)
      redis.call('HINCRBY', key, string.format('%.0f', math.floor(now / s)), amount)
      redis.call('HSET', key, '_l', limit, '_u', unit)
      redis.call('PEXPIRE', key, w + s)
    end
  end
end
local out = {admitted, now}
for i = 1, n do out[#out + 1] = seen[KEYS[i]].counted end
return out
`;

/**
 * KEYS: one counter hash per line.
 * ARGV: now ('' = Redis' clock), then per line: windowMs, slot, delta (≤ 0).
 * Gives back what a reservation did not use, to the slot it was charged to, while
 * that slot is still counted; never below zero.
 */
export const SETTLE = `${PRELUDE}
local now = clock(ARGV[1])
for i = 1, #KEYS do
  local key = KEYS[i]
  local a = 1 + (i - 1) * 3
  local w, slot, delta = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  if delta < 0 and slot >= oldest(now, w) then
    local f = string.format('%.0f', slot)
    local v = redis.call('HGET', key, f)
    if v then
      local left = tonumber(v) + delta
      if left > 0 then redis.call('HSET', key, f, string.format('%.0f', left)) else redis.call('HDEL', key, f) end
    end
  end
end
return now
`;

/** Redis' clock in ms, for listings when the store runs on it. */
export const NOW = `${PRELUDE}
return clock('')
`;
