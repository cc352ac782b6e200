"""Lua scripts of ``workflow.store.redis_store``; key layout in that module's docstring.

Redis never rolls a script back, so every script reads and checks all it needs before its
first write; the commit script then writes first the one key no read has type-checked (the
event list), so only a key of a foreign type under the prefix could stop it half-way.
Values arrive as text encoded by Python; scores stay strings so no float goes through Lua's
14-digit number formatting.
"""
from __future__ import annotations

# ARGV[1] is always the key prefix.
PRELUDE = """
local P = ARGV[1]
local i = 2
local function take() local v = ARGV[i]; i = i + 1; return v end
local function push(key, items)
  for k = 1, #items, 1000 do
    redis.call('RPUSH', key, unpack(items, k, math.min(k + 999, #items)))
  end
end
local function index_keys(arn_sm, status)
  return {P .. 'xs:all', P .. 'xs:sm:' .. arn_sm, P .. 'xs:st:' .. status,
          P .. 'xs:sms:' .. status .. ':' .. arn_sm}
end
local function unindex(arn, sm, status)
  for _, key in ipairs(index_keys(sm, status)) do redis.call('ZREM', key, arn) end
end
local function index(arn, sm, status, score)
  for _, key in ipairs(index_keys(sm, status)) do redis.call('ZADD', key, score, arn) end
end
"""

# Reads the execution fields and inserts one execution: hash, definition, indexes, runs
# and events. ARGV: arn, definition hash, definition text, nfields, (field, value)...,
# nruns, (run id, run json)..., nevents, event texts...
CREATE = """
local function create(arn, x)
  local def_hash, def_text = take(), take()
  local seq = redis.call('INCR', P .. 'seq')
  local fields = {}
  for k = 1, tonumber(take()) * 2 do fields[k] = take() end
  local runs, ids = {}, {}
  for k = 1, tonumber(take()) do ids[k] = take(); runs[k] = take() end
  local events = {}
  for k = 1, tonumber(take()) do events[k] = take() end
  if #events > 0 then push(P .. 'e:' .. seq, events) end
  redis.call('SET', P .. 'def:' .. def_hash, def_text, 'NX')
  redis.call('HSET', x, 'seq', seq, 'def', def_hash, unpack(fields))
  for k, id in ipairs(ids) do
    redis.call('HSET', P .. 'r:' .. seq .. ':' .. id, 'v', 1, 'l', 0, 'd', runs[k])
  end
  if #ids > 0 then push(P .. 'rs:' .. seq, ids) end
  local m = redis.call('HMGET', x, 'state_machine_arn', 'status', 'start_date')
  index(arn, m[1], m[2], m[3])
end
"""

CREATE_EXECUTION = PRELUDE + CREATE + """
local arn = take()
local x = P .. 'x:' .. arn
if redis.call('EXISTS', x) == 1 then return 0 end
create(arn, x)
return 1
"""

# Replaces an execution (EXPRESS results): the old one's keys go first.
REPLACE_EXECUTION = PRELUDE + CREATE + """
local arn = take()
local x = P .. 'x:' .. arn
local old = redis.call('HMGET', x, 'seq', 'state_machine_arn', 'status')
if old[1] then
  local rs = P .. 'rs:' .. old[1]
  for _, id in ipairs(redis.call('LRANGE', rs, 0, -1)) do
    redis.call('DEL', P .. 'r:' .. old[1] .. ':' .. id)
  end
  redis.call('DEL', rs, P .. 'e:' .. old[1], P .. 'lg:' .. old[1], x)
  unindex(arn, old[2], old[3])
end
create(arn, x)
return 1
"""

# ARGV: arn, nruns, (run id, expected, has parent, parent, json)..., nevents,
# (run id, event json)..., nfirst, (run id, previous)..., nset, (field, value)...,
# ndel, fields..., reindex. Returns {1, first id}, {0, run id, stored version} or {-1}.
COMMIT = PRELUDE + """
local arn = take()
local x = P .. 'x:' .. arn
local seq = redis.call('HGET', x, 'seq')
if not seq then return {-1} end
local rp = P .. 'r:' .. seq .. ':'
local marks = {}
local function mark(id)
  local m = marks[id]
  if m == nil then
    local v = redis.call('HMGET', rp .. id, 'v', 'l')
    m = {tonumber(v[1]) or 0, tonumber(v[2]) or 0}
    marks[id] = m
  end
  return m
end
local runs, parents = {}, {}
for k = 1, tonumber(take()) do
  local id, expected, has_parent, parent, data = take(), tonumber(take()), take(), take(), take()
  local stored = mark(id)[1]
  if stored ~= expected then return {0, id, stored} end
  runs[k] = {id, expected, data}
  if has_parent == '1' then parents[id] = parent end
end
local nev = tonumber(take())
local ev_runs, bodies = {}, {}
for k = 1, nev do ev_runs[k] = take(); bodies[k] = take() end
local first_previous = {}
for _ = 1, tonumber(take()) do local r = take(); first_previous[r] = tonumber(take()) end
local sets, dels = {}, {}
for k = 1, tonumber(take()) * 2 do sets[k] = take() end
for k = 1, tonumber(take()) do dels[k] = take() end
local old = nil
if take() == '1' then old = redis.call('HMGET', x, 'state_machine_arn', 'status') end
local count = tonumber(redis.call('HGET', x, 'event_count'))
local last, touched, items = {}, {}, {}
local function last_of(r)
  local l = last[r]
  if l == nil then l = mark(r)[2]; last[r] = l end
  return l
end
for k = 1, nev do
  local r = ev_runs[k]
  local previous = last_of(r)
  if previous == 0 then
    previous = first_previous[r] or 0
    if previous == 0 and parents[r] ~= nil then previous = last_of(parents[r]) end
  end
  items[k] = previous .. ' ' .. bodies[k]
  last[r] = count + k
  touched[r] = true
end
if nev > 0 then push(P .. 'e:' .. seq, items) end
redis.call('HINCRBY', x, 'event_count', nev)
local created = {}
for _, run in ipairs(runs) do
  local id = run[1]
  redis.call('HSET', rp .. id, 'v', run[2] + 1, 'l', last_of(id), 'd', run[3])
  if run[2] == 0 then created[#created + 1] = id end
  touched[id] = nil
end
if #created > 0 then push(P .. 'rs:' .. seq, created) end
for r in pairs(touched) do
  if marks[r][1] > 0 then redis.call('HSET', rp .. r, 'l', last[r]) end
end
if old then unindex(arn, old[1], old[2]) end
if #sets > 0 then redis.call('HSET', x, unpack(sets)) end
if #dels > 0 then redis.call('HDEL', x, unpack(dels)) end
if old then
  local m = redis.call('HMGET', x, 'state_machine_arn', 'status', 'start_date')
  index(arn, m[1], m[2], m[3])
end
return {1, count + 1}
"""

# ARGV: arn, run id. Returns {json, version}, both nil when missing.
LOAD_RUN = PRELUDE + """
local seq = redis.call('HGET', P .. 'x:' .. take(), 'seq')
if not seq then return {} end
return redis.call('HMGET', P .. 'r:' .. seq .. ':' .. take(), 'd', 'v')
"""

# ARGV: arn. Returns "version json" lines in creation order.
LOAD_RUNS = PRELUDE + """
local seq = redis.call('HGET', P .. 'x:' .. take(), 'seq')
if not seq then return '' end
local out = {}
for k, id in ipairs(redis.call('LRANGE', P .. 'rs:' .. seq, 0, -1)) do
  local v = redis.call('HMGET', P .. 'r:' .. seq .. ':' .. id, 'v', 'd')
  out[k] = v[1] .. ' ' .. v[2]
end
return table.concat(out, '\\n')
"""

# ARGV: index key, low score, high score, count, ties (1/0), token start, token ARN,
# fields... Returns {ARNs found (at most count), records as a JSON array of field values}.
# Executions started in the token's instant are compared byte by byte, as Redis orders
# them: Lua's own string order follows the server's locale.
LIST_EXECUTIONS = PRELUDE + """
local key, low, high, count = P .. take(), take(), take(), tonumber(take())
local ties, start, last_arn = take(), take(), take()
local fields = {}
for k = i, #ARGV do fields[#fields + 1] = ARGV[k] end
local function less(a, b)
  for k = 1, math.min(#a, #b) do
    local x, y = string.byte(a, k), string.byte(b, k)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local arns = {}
if start ~= '' then
  if ties == '1' then
    for _, a in ipairs(redis.call('ZREVRANGEBYSCORE', key, start, start)) do
      if #arns < count and less(a, last_arn) then arns[#arns + 1] = a end
    end
  end
  high = '(' .. start
end
if #arns < count then
  local more = redis.call('ZREVRANGEBYSCORE', key, high, low, 'LIMIT', 0, count - #arns)
  for _, a in ipairs(more) do arns[#arns + 1] = a end
end
if #arns == 0 then return {0, '[]'} end
local records = {}
for k = 1, math.min(#arns, count - 1) do
  records[k] = redis.call('HMGET', P .. 'x:' .. arns[k], unpack(fields))
end
return {#arns, cjson.encode(records)}
"""

# ARGV: arn. Returns {flat hash, definition text} or nil.
GET_EXECUTION = PRELUDE + """
local x = P .. 'x:' .. take()
local h = redis.call('HGETALL', x)
if #h == 0 then return nil end
return {h, redis.call('GET', P .. 'def:' .. redis.call('HGET', x, 'def'))}
"""

# ARGV: arn, after id, limit (-1: no limit), reverse (1/0). Returns {first id, items} in
# list order, joined by newlines (one reply to parse, not one per event), or nil. Ids are
# gap-free, so id k sits at index k - ev0 - 1 (ev0: the count the execution was created with).
HISTORY = PRELUDE + """
local meta = redis.call('HMGET', P .. 'x:' .. take(), 'seq', 'ev0')
if not meta[1] then return nil end
local key = P .. 'e:' .. meta[1]
local ev0 = tonumber(meta[2]) or 0
local top = ev0 + redis.call('LLEN', key)
local after, limit, reverse = tonumber(take()), tonumber(take()), take() == '1'
if limit < 0 then limit = top end
local first, last
if reverse then
  last = top
  if after > 0 then last = math.min(after - 1, top) end
  first = math.max(ev0 + 1, last - limit + 1)
else
  first = math.max(after, ev0) + 1
  last = math.min(top, first + limit - 1)
end
if last < first then return {first, ''} end
return {first, table.concat(redis.call('LRANGE', key, first - ev0 - 1, last - ev0 - 1), '\\n')}
"""

# ARGV: arn, run id, message json. Inbox ids come from one counter, like SQLite's rowids.
POST_EVENT = PRELUDE + """
local arn = take()
local id = redis.call('INCR', P .. 'inbox_seq')
redis.call('RPUSH', P .. 'in:' .. arn, id .. ' ' .. take())
"""

# ARGV: arn, kind, has parent, parent, creation date, record json.
PUT_MACHINE = PRELUDE + """
local arn, kind, has_parent, parent, created, data = take(), take(), take(), take(), take(), take()
local key = P .. 'sm:' .. arn
local old = redis.call('HMGET', key, 'k', 'p')
if old[1] then redis.call('ZREM', P .. 'smk:' .. old[1], arn) end
if old[2] then redis.call('ZREM', P .. 'smc:' .. old[2], arn) end
redis.call('DEL', key)
redis.call('HSET', key, 'k', kind, 'd', data)
redis.call('ZADD', P .. 'smk:' .. kind, created, arn)
if has_parent == '1' then
  redis.call('HSET', key, 'p', parent)
  redis.call('ZADD', P .. 'smc:' .. parent, created, arn)
end
"""

# ARGV: arn. Deletes the machine and the records whose parent it is.
DELETE_MACHINE = PRELUDE + """
local arn = take()
local function forget(a)
  local key = P .. 'sm:' .. a
  local old = redis.call('HMGET', key, 'k', 'p')
  if old[1] then redis.call('ZREM', P .. 'smk:' .. old[1], a) end
  if old[2] then redis.call('ZREM', P .. 'smc:' .. old[2], a) end
  redis.call('DEL', key)
end
for _, child in ipairs(redis.call('ZRANGE', P .. 'smc:' .. arn, 0, -1)) do forget(child) end
forget(arn)
"""
