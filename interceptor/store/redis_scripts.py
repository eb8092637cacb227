"""The Lua scripts behind every Redis write.

A script runs atomically on the server, and in Redis Cluster it may touch several keys only when
they share a slot, which the ``{<id>}`` hash tag guarantees (see :mod:`interceptor.store.keys`).

``update`` is an optimistic compare-and-set: the client reads the document, applies ``mutate``
locally, and the script stores the result only if the document still hashes to what was read
(else ``changed``, and the client retries). It also checks the lease atomically with the write.
Scripts that a client may re-send after a lost reply (redis-py retries on connection errors)
recognise their own earlier success, so a write is never applied twice and a lease is never
refused to its own taker: ``update``/``create`` compare the last history entry (which carries its
``details`` too), ``lock`` a per-call nonce. A claim needs no script: it is one ``SET NX PX`` with a
per-call token (see :meth:`~interceptor.store.redis.RedisStore.claim`).

Idle expiry: with ``idle_ms > 0`` every write sets that expiry on the document and history, and at
least that on the fencing counter; with ``idle_ms == 0`` they are made persistent. The lease key
always keeps its own, shorter life.
"""

from __future__ import annotations

_HELPERS = """
local function lease_json(token, expires_at, nonce, released)
  return string.format('{"token":%d,"expires_at":%.17g,"nonce":"%s","released":%s}',
    token, expires_at, nonce, released and 'true' or 'false')
end
local function keep_fence(fence, ms)
  local left = redis.call('PTTL', fence)
  if left == -1 or (left >= 0 and left < ms) then redis.call('PEXPIRE', fence, ms) end
end
local function refresh(doc, history, fence, idle_ms)
  if idle_ms > 0 then
    redis.call('PEXPIRE', doc, idle_ms)
    redis.call('PEXPIRE', history, idle_ms)
    keep_fence(fence, idle_ms)
  else
    redis.call('PERSIST', history)
    redis.call('PERSIST', fence)
  end
end
local function history_type_ok(history)
  local kind = redis.call('TYPE', history)['ok']
  return kind == 'none' or kind == 'list', kind
end
"""

# KEYS: doc, history, fence. ARGV: document, history entry, force ("1"/"0"), idle_ms.
CREATE = (
    _HELPERS
    + """
local ok, kind = history_type_ok(KEYS[2])
if not ok then return {'badhistory', kind} end
if ARGV[3] ~= '1' and redis.call('EXISTS', KEYS[1]) == 1 then
  if redis.call('TYPE', KEYS[1])['ok'] == 'string' and redis.call('GET', KEYS[1]) == ARGV[1]
      and redis.call('LINDEX', KEYS[2], -1) == ARGV[2] then
    return {'ok'}
  end
  return {'exists'}
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[2])
refresh(KEYS[1], KEYS[2], KEYS[3], tonumber(ARGV[4]))
return {'ok'}
"""
)

# KEYS: doc, history, lease, fence. ARGV: sha1 of the document read, new document, history entry,
# idle_ms, lock token ("" for none).
UPDATE = (
    _HELPERS
    + """
local ok, kind = history_type_ok(KEYS[2])
if not ok then return {'badhistory', kind} end
local current = redis.call('GET', KEYS[1])
if not current then return {'missing'} end
if redis.sha1hex(current) ~= ARGV[1] then
  if current == ARGV[2] and redis.call('LINDEX', KEYS[2], -1) == ARGV[3] then return {'ok'} end
  return {'changed'}
end
if ARGV[5] ~= '' then
  local raw = redis.call('GET', KEYS[3])
  local lease = raw and cjson.decode(raw)
  if not lease or lease['released'] or lease['token'] ~= tonumber(ARGV[5]) then
    return {'refused', raw or '', redis.call('GET', KEYS[4]) or '0'}
  end
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[3])
refresh(KEYS[1], KEYS[2], KEYS[4], tonumber(ARGV[4]))
return {'ok'}
"""
)

# KEYS: doc, history. Returns {exists (0/1), entries}.
HISTORY = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, {}} end
return {1, redis.call('LRANGE', KEYS[2], 0, -1)}
"""

# KEYS: doc, history, lease, fence. ARGV: fence retention ms.
DELETE = """
local removed = redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
if redis.call('EXISTS', KEYS[4]) == 1 then redis.call('PEXPIRE', KEYS[4], ARGV[1]) end
return removed
"""

# KEYS: doc, lease, fence. ARGV: ttl_ms, expires_at (unix s), nonce, idle_ms.
LOCK = (
    _HELPERS
    + """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
local raw = redis.call('GET', KEYS[2])
if raw then
  local lease = cjson.decode(raw)
  if lease['nonce'] == ARGV[3] then return {'ok', raw} end
  if not lease['released'] then return {'held', raw} end
end
local token = redis.call('INCR', KEYS[3])
local value = lease_json(token, tonumber(ARGV[2]), ARGV[3], false)
redis.call('SET', KEYS[2], value, 'PX', ARGV[1])
local idle_ms = tonumber(ARGV[4])
if idle_ms > 0 then keep_fence(KEYS[3], math.max(idle_ms, tonumber(ARGV[1]))) end
return {'ok', value}
"""
)

# KEYS: lease. ARGV: token. Marks the lease released (kept until it would have expired, so a
# later write with that token is told "released" rather than "expired").
UNLOCK = (
    _HELPERS
    + """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local lease = cjson.decode(raw)
if lease['released'] or lease['token'] ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], lease_json(lease['token'], lease['expires_at'], lease['nonce'], true), 'KEEPTTL')
return 1
"""
)
