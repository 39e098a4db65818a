"""The blocking-call catalog: which callables block the event loop, under which code, and the fix.

This module is data. Adding a blocking function is one line in `CALLS` (a function, keyed by its
qualified name) or `METHODS` (a method, keyed by the kind of its receiver, see
`analysis/kinds.py`, and the method name).

Suggestions are templates filled per finding:
  {args}       the call's arguments as written          {method}  the called attribute's name
  {func_args}  the callee and its arguments, for an offload wrapper: `requests.get, url`
  {offload}    `await run_in_threadpool` in FastAPI/Starlette modules, else `await asyncio.to_thread`
"""

from __future__ import annotations

from dataclasses import dataclass

from asynclint.analysis import sdks


@dataclass(frozen=True)
class Blocking:
    code: str
    suggestion: str
    # Whether a sync helper making this call blocks its async callers (AL110). Taking a thread
    # lock in a helper is a short critical section in practice; reporting every caller of
    # such helpers (Django's signal `connect()`, for one) would bury the real findings.
    transitive: bool = True


OFFLOAD = "or offload it: `{offload}({func_args})`"

SLEEP = Blocking("AL101", "use `await asyncio.sleep({args})` (or `await anyio.sleep({args})`)")
HTTP = Blocking(
    "AL102",
    "use an async client (`async with httpx.AsyncClient() as client: "
    "await client.{method}(...)`, or aiohttp), " + OFFLOAD,
)
HTTP_LOW = Blocking("AL102", "use `httpx.AsyncClient` (or aiohttp), " + OFFLOAD)
HTTPX2 = Blocking(
    "AL102",
    "use an async client (`async with httpx2.AsyncClient() as client: "
    "await client.{method}(...)`), " + OFFLOAD,
)
HTTP_CLOSE = Blocking("AL102", "use an async client and `await client.aclose()`, " + OFFLOAD)
OPEN = Blocking(
    "AL103",
    "use `await anyio.open_file({args})` (or `aiofiles.open`), " + OFFLOAD,
)
PATH_IO = Blocking("AL103", "use `await anyio.Path(...).{method}(...)`, " + OFFLOAD)
FILE_OP = Blocking("AL103", "offload it: `{offload}({func_args})` (or use `anyio.Path`)")
SUBPROCESS = Blocking(
    "AL104",
    "use `await asyncio.create_subprocess_exec(...)` (or `await anyio.run_process(...)`)",
)
SHELL = Blocking(
    "AL104",
    "use `await asyncio.create_subprocess_shell({args})` (or `await anyio.run_process(...)`)",
)
SQLITE = Blocking("AL105", "use aiosqlite: `async with aiosqlite.connect({args}) as db:`")
SQLITE_CONNECTION = Blocking(
    "AL105",
    "use aiosqlite (`async with aiosqlite.connect(...) as db:`, then `await db.execute(...)` and "
    "`await cursor.fetchone()`)",
)
POSTGRES = Blocking(
    "AL105",
    "use asyncpg (`await asyncpg.connect(...)`) or psycopg 3's "
    "`await psycopg.AsyncConnection.connect(...)`",
)
MYSQL = Blocking("AL105", "use aiomysql or asyncmy, " + OFFLOAD)
MONGO = Blocking(
    "AL105", "use `pymongo.AsyncMongoClient` (or motor) and `await` the operation"
)
REDIS = Blocking("AL105", "use `redis.asyncio.Redis` and `await` the command")
LOCK = Blocking(
    "AL106",
    "use `asyncio.Lock` (`async with lock:`), or offload the critical section",
    transitive=False,
)
QUEUE = Blocking("AL106", "use `asyncio.Queue` and `await queue.{method}(...)`")
EVENT = Blocking("AL106", "use `asyncio.Event` and `await event.wait()`")
JOIN = Blocking("AL106", "offload the wait: `{offload}({func_args})`")
FUTURE = Blocking("AL106", "use `await asyncio.wrap_future(future)`")
CF_WAIT = Blocking("AL106", "use `asyncio.wait` / `asyncio.as_completed` on wrapped futures")
INPUT = Blocking("AL107", "offload it: `{offload}({func_args})`")
NESTED_LOOP = Blocking(
    "AL108", "`await` the coroutine instead of starting a second event loop: `await {args}`"
)
SOCKET = Blocking(
    "AL109",
    "use asyncio streams (`await asyncio.open_connection(...)`) or `anyio.connect_tcp`",
)
DNS = Blocking(
    "AL109", "use `await asyncio.get_running_loop().getaddrinfo(...)` (or `anyio.getaddrinfo`)"
)
SMTP = Blocking("AL109", "use aiosmtplib, " + OFFLOAD)
FTP = Blocking("AL109", "use aioftp, " + OFFLOAD)
BOTO = Blocking("AL109", "use aioboto3 / aiobotocore, " + OFFLOAD)
FDOPEN = Blocking(
    "AL103",
    "offload it: `{offload}({func_args})`, then wrap the file (`anyio.wrap_file(...)`) so its "
    "reads and writes are awaited",
)
# A sync file object's methods (`f.read()`, `f.write()`): the open itself is reported where it
# happens in the same function, so these are reported where the file came from elsewhere (an
# annotation, a module-level file, `self.log = open(...)` in `__init__`).
FILE_METHOD = Blocking(
    "AL103", "use an async file (`await anyio.open_file(...)`, or `anyio.wrap_file(f)`), " + OFFLOAD
)
# Importing reads (and runs) modules from disk on first use; later imports of the same module
# are a dict lookup, so a helper importing lazily is not worth an AL110 for its callers.
IMPORT = Blocking(
    "AL103",
    "import the module once at start-up (module level), or offload it: `{offload}({func_args})`",
    transitive=False,
)
TLS_FILES = Blocking(
    "AL103",
    "load the certificates once at start-up (module level or lifespan), or offload it: "
    "`{offload}({func_args})`",
)
# AL111 (opt-in): a stat of a path is usually served from the OS cache. Not a link of AL110
# chains: a helper that only checks whether a file exists is not worth a finding at every
# async caller.
PATH_METADATA = Blocking(
    "AL111",
    "use `await anyio.Path(...).{method}()` (or `aiofiles.os`), or offload it: "
    "`{offload}({func_args})`",
    transitive=False,
)
OS_PATH_METADATA = Blocking(
    "AL111",
    "offload it: `{offload}({func_args})` (or use `anyio.Path`: `await anyio.Path(...).exists()`, "
    "`.stat()`, `.is_file()`)",
    transitive=False,
)

# Sync SDK clients (kinds: `analysis/sdks.py`). The code says what the call waits for: an HTTP
# API (AL102), a datastore queried over HTTP (AL105, as redis and pymongo), object storage and
# other network protocols (AL109, as boto3), a result computed elsewhere (AL106, as a Future).
OPENAI_SDK = Blocking("AL102", "use `openai.AsyncOpenAI` and `await` the call, " + OFFLOAD)
ANTHROPIC_SDK = Blocking("AL102", "use `anthropic.AsyncAnthropic` and `await` the call, " + OFFLOAD)
STRIPE_SDK = Blocking("AL102", "`await` the async variant, `{method}_async(...)` (stripe >= 10), " + OFFLOAD)
SUPABASE_QUERY = Blocking(
    "AL105", "use the async client (`await supabase.acreate_client(...)`) and `await` the query's "
    "`execute()`, " + OFFLOAD,
)
SUPABASE_HTTP = Blocking(
    "AL102", "use the async client (`await supabase.acreate_client(...)`) and `await` the call, " + OFFLOAD
)
FIREBASE = Blocking("AL102", "firebase_admin has no async API: offload it, `{offload}({func_args})`")
SLACK_SDK = Blocking(
    "AL102", "use slack_sdk's `AsyncWebClient` (or `AsyncWebhookClient`) and `await` the call, " + OFFLOAD
)
TWILIO_SDK = Blocking(
    "AL102", "`await` the async variant, `{method}_async(...)`, on a client built with "
    "`AsyncTwilioHttpClient`, " + OFFLOAD,
)
SENDGRID_SDK = Blocking(
    "AL102", "sendgrid has no async client: offload it, `{offload}({func_args})` (or post to its "
    "v3 API with `httpx.AsyncClient`)",
)
ELASTICSEARCH_SDK = Blocking(
    "AL105", "use `elasticsearch.AsyncElasticsearch` and `await` the call, " + OFFLOAD
)
MINIO_SDK = Blocking("AL109", "use an async S3 client (aioboto3, or miniopy-async), " + OFFLOAD)
GCS_SDK = Blocking("AL109", "use gcloud-aio-storage, " + OFFLOAD)
KAFKA_SDK = Blocking("AL109", "use aiokafka (`AIOKafkaProducer`, `AIOKafkaConsumer`), " + OFFLOAD)
KAFKA_WAIT = Blocking(
    "AL106", "use aiokafka (`await producer.send_and_wait(...)`), or offload the wait: "
    "`{offload}({func_args})`",
)
CELERY_WAIT = Blocking(
    "AL106", "do not wait for the task in the request (return its id and poll it), or offload "
    "the wait: `{offload}({func_args})`",
)

_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
_STRIPE_VERBS = (
    "create", "retrieve", "modify", "update", "delete", "list", "search", "cancel", "capture",
    "confirm", "pay", "attach", "detach", "expire", "resume", "reject", "finalize_invoice",
    "void_invoice", "send_invoice", "mark_uncollectible", "list_line_items", "upcoming",
    "create_reversal", "create_source", "retrieve_source", "list_sources",
    "increment_authorization", "verify_microdeposits", "apply_customer_balance",
)
_FIREBASE_CALLS = (
    "messaging.send", "messaging.send_all", "messaging.send_multicast", "messaging.send_each",
    "messaging.send_each_for_multicast", "messaging.subscribe_to_topic",
    "messaging.unsubscribe_from_topic", "auth.get_user", "auth.get_user_by_email",
    "auth.get_user_by_phone_number", "auth.get_users", "auth.create_user", "auth.update_user",
    "auth.delete_user", "auth.delete_users", "auth.list_users", "auth.set_custom_user_claims",
    "auth.revoke_refresh_tokens", "auth.generate_password_reset_link",
    "auth.generate_email_verification_link", "auth.generate_sign_in_with_email_link",
)

# Functions, keyed by qualified name.
CALLS: dict[str, Blocking] = {
    "time.sleep": SLEEP,
    **{f"requests.{verb}": HTTP for verb in _HTTP_VERBS},
    **{f"requests.api.{verb}": HTTP for verb in _HTTP_VERBS},
    **{f"httpx.{verb}": HTTP for verb in (*_HTTP_VERBS, "stream")},
    "urllib.request.urlopen": HTTP_LOW,
    "urllib.request.urlretrieve": HTTP_LOW,
    "urllib3.request": HTTP_LOW,
    "builtins.open": OPEN,
    "io.open": OPEN,
    "codecs.open": OPEN,
    "os.open": FILE_OP,
    "os.remove": FILE_OP,
    "os.unlink": FILE_OP,
    "os.rename": FILE_OP,
    "os.renames": FILE_OP,
    "os.replace": FILE_OP,
    "os.listdir": FILE_OP,
    "os.scandir": FILE_OP,
    "os.walk": FILE_OP,
    "os.makedirs": FILE_OP,
    "os.mkdir": FILE_OP,
    "os.rmdir": FILE_OP,
    "os.removedirs": FILE_OP,
    "os.truncate": FILE_OP,
    "shutil.copy": FILE_OP,
    "shutil.copy2": FILE_OP,
    "shutil.copyfile": FILE_OP,
    "shutil.copyfileobj": FILE_OP,
    "shutil.copytree": FILE_OP,
    "shutil.move": FILE_OP,
    "shutil.rmtree": FILE_OP,
    "shutil.make_archive": FILE_OP,
    "shutil.unpack_archive": FILE_OP,
    "subprocess.run": SUBPROCESS,
    "subprocess.call": SUBPROCESS,
    "subprocess.check_call": SUBPROCESS,
    "subprocess.check_output": SUBPROCESS,
    "subprocess.Popen": SUBPROCESS,
    "subprocess.getoutput": SHELL,
    "subprocess.getstatusoutput": SHELL,
    "os.system": SHELL,
    "os.popen": SHELL,
    **{f"os.spawn{suffix}": SUBPROCESS for suffix in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")},
    **{f"os.{wait}": SUBPROCESS for wait in ("wait", "wait3", "wait4", "waitpid", "waitid")},
    "sqlite3.connect": SQLITE,
    "psycopg2.connect": POSTGRES,
    "psycopg.connect": POSTGRES,
    "pymysql.connect": MYSQL,
    "MySQLdb.connect": MYSQL,
    "mysql.connector.connect": MYSQL,
    "concurrent.futures.wait": CF_WAIT,
    "concurrent.futures.as_completed": CF_WAIT,
    "builtins.input": INPUT,
    "getpass.getpass": INPUT,
    "asyncio.run": NESTED_LOOP,
    "anyio.run": NESTED_LOOP,
    "socket.create_connection": SOCKET,
    "socket.getaddrinfo": DNS,
    "socket.gethostbyname": DNS,
    "socket.gethostbyname_ex": DNS,
    "socket.gethostbyaddr": DNS,
    "socket.getnameinfo": DNS,
    "socket.getfqdn": DNS,
    "smtplib.SMTP": SMTP,
    "smtplib.SMTP_SSL": SMTP,
    "ftplib.FTP": FTP,
    "ftplib.FTP_TLS": FTP,
    **{f"firebase_admin.{name}": FIREBASE for name in _FIREBASE_CALLS},
    "elasticsearch.helpers.bulk": ELASTICSEARCH_SDK,
    "elasticsearch.helpers.reindex": ELASTICSEARCH_SDK,
    **{f"httpx2.{verb}": HTTPX2 for verb in (*_HTTP_VERBS, "stream")},
    "os.fdopen": FDOPEN,
    "io.open_code": FILE_OP,
    "os.posix_spawn": SUBPROCESS,
    "os.posix_spawnp": SUBPROCESS,
    "glob.glob": FILE_OP,
    "glob.iglob": FILE_OP,
    "importlib.import_module": IMPORT,
    **{
        f"os.path.{function}": OS_PATH_METADATA
        for function in (
            "exists", "lexists", "isfile", "isdir", "islink", "ismount", "isjunction",
            "getsize", "getatime", "getmtime", "getctime", "samefile", "sameopenfile", "realpath",
        )
    },
    "os.stat": OS_PATH_METADATA,
    "os.lstat": OS_PATH_METADATA,
    "os.access": OS_PATH_METADATA,
}

# Methods, keyed by "<receiver kind>.<method>".
METHODS: dict[str, Blocking] = {
    **{f"requests.Session.{verb}": HTTP for verb in (*_HTTP_VERBS, "send")},
    **{f"httpx.Client.{verb}": HTTP for verb in (*_HTTP_VERBS, "send", "stream")},
    "urllib3.PoolManager.request": HTTP_LOW,
    "urllib3.PoolManager.urlopen": HTTP_LOW,
    "http.client.HTTPConnection.request": HTTP_LOW,
    "http.client.HTTPConnection.getresponse": HTTP_LOW,
    "http.client.HTTPConnection.connect": HTTP_LOW,
    **{
        f"pathlib.Path.{method}": PATH_IO
        for method in (
            "read_text", "read_bytes", "write_text", "write_bytes", "open", "touch",
            "mkdir", "unlink", "rmdir", "rename", "replace", "iterdir", "glob", "rglob",
        )
    },
    **{
        f"pymongo.Collection.{method}": MONGO
        for method in (
            "find_one", "insert_one", "insert_many", "update_one", "update_many",
            "replace_one", "delete_one", "delete_many", "count_documents", "aggregate",
            "distinct", "find_one_and_update", "find_one_and_delete", "find_one_and_replace",
            "bulk_write", "create_index", "drop",
        )
    },
    "pymongo.Database.command": MONGO,
    "pymongo.Database.list_collection_names": MONGO,
    "pymongo.MongoClient.list_database_names": MONGO,
    "pymongo.MongoClient.server_info": MONGO,
    **{
        f"threading.{lock}.acquire": LOCK
        for lock in ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition")
    },
    "threading.Condition.wait": EVENT,
    "threading.Condition.wait_for": EVENT,
    "threading.Event.wait": EVENT,
    "threading.Barrier.wait": EVENT,
    "threading.Thread.join": JOIN,
    "queue.Queue.get": QUEUE,
    "queue.Queue.put": QUEUE,
    "queue.Queue.join": QUEUE,
    "queue.SimpleQueue.get": QUEUE,  # its `put` never waits: the queue has no bound
    "multiprocessing.Queue.get": QUEUE,
    "multiprocessing.Queue.put": QUEUE,
    "concurrent.futures.Future.result": FUTURE,
    "concurrent.futures.Future.exception": FUTURE,
    "concurrent.futures.Executor.shutdown": JOIN,
    "asyncio.AbstractEventLoop.run_until_complete": NESTED_LOOP,
    **{
        f"socket.socket.{method}": SOCKET
        for method in (
            "connect", "connect_ex", "accept", "recv", "recv_into", "recvfrom",
            "recvfrom_into", "send", "sendall", "sendto", "sendfile",
        )
    },
    **{
        f"smtplib.SMTP.{method}": SMTP
        for method in ("connect", "login", "starttls", "sendmail", "send_message", "ehlo", "quit")
    },
    **{
        f"ftplib.FTP.{method}": FTP
        for method in ("connect", "login", "retrbinary", "retrlines", "storbinary", "storlines", "nlst", "cwd")
    },
    **{f"{sdks.STRIPE_RESOURCE}.{verb}": STRIPE_SDK for verb in _STRIPE_VERBS},
    **{f"{sdks.STRIPE_SERVICE}.{verb}": STRIPE_SDK for verb in _STRIPE_VERBS},
    f"{sdks.STRIPE_CLIENT}.raw_request": STRIPE_SDK,
    f"{sdks.POSTGREST_QUERY}.execute": SUPABASE_QUERY,
    **{
        f"{sdks.GOTRUE}.{method}": SUPABASE_HTTP
        for method in (
            "sign_up", "sign_in_with_password", "sign_in_with_otp", "sign_in_with_id_token",
            "sign_in_anonymously", "verify_otp", "sign_out", "get_user", "update_user",
            "refresh_session", "set_session", "exchange_code_for_session", "reset_password_email",
            "reset_password_for_email", "resend",
        )
    },
    **{
        f"{sdks.GCS_CLIENT}.{method}": GCS_SDK
        for method in ("get_bucket", "lookup_bucket", "create_bucket")
    },
    **{
        f"{sdks.GCS_BUCKET}.{method}": GCS_SDK
        for method in (
            "exists", "reload", "create", "delete", "patch", "update", "get_blob", "delete_blob",
            "delete_blobs", "copy_blob", "rename_blob", "make_public", "make_private",
        )
    },
    **{
        f"{sdks.GCS_BLOB}.{method}": GCS_SDK
        for method in (
            "upload_from_string", "upload_from_filename", "upload_from_file", "download_as_bytes",
            "download_as_string", "download_as_text", "download_to_filename", "download_to_file",
            "exists", "reload", "delete", "patch", "update", "rewrite", "compose", "make_public",
            "make_private", "create_resumable_upload_session",
        )
    },
    f"{sdks.SLACK_WEBHOOK}.send": SLACK_SDK,
    f"{sdks.SLACK_WEBHOOK}.send_dict": SLACK_SDK,
    **{
        f"{sdks.TWILIO_RESOURCE}.{method}": TWILIO_SDK
        for method in ("create", "fetch", "update", "delete", "list", "page")
    },
    f"{sdks.SENDGRID}.send": SENDGRID_SDK,
    **{f"{sdks.SENDGRID_FLUENT}.{verb}": SENDGRID_SDK for verb in ("get", "post", "put", "patch", "delete")},
    f"{sdks.CELERY_RESULT}.get": CELERY_WAIT,
    f"{sdks.CELERY_RESULT}.wait": CELERY_WAIT,
    f"{sdks.KAFKA_FUTURE}.get": KAFKA_WAIT,
    f"{sdks.KAFKA_PRODUCER}.flush": KAFKA_SDK,
    f"{sdks.KAFKA_CONSUMER}.poll": KAFKA_SDK,
    f"{sdks.KAFKA_CONSUMER}.commit": KAFKA_SDK,
    "httpx.Client.close": HTTP_CLOSE,
    **{f"httpx2.Client.{verb}": HTTPX2 for verb in (*_HTTP_VERBS, "send", "stream")},
    "httpx2.Client.close": HTTP_CLOSE,
    **{
        f"ssl.SSLContext.{method}": TLS_FILES
        for method in ("load_verify_locations", "load_cert_chain", "load_default_certs",
                       "set_default_verify_paths")
    },
    **{
        f"pathlib.Path.{method}": PATH_METADATA
        for method in (
            "exists", "stat", "lstat", "is_file", "is_dir", "is_symlink", "is_mount", "is_junction",
            "is_socket", "is_fifo", "is_block_device", "is_char_device", "samefile", "owner",
            "group", "resolve", "readlink",
        )
    },
}

_POOL_LOOKUPS = frozenset(
    {"connection_from_url", "connection_from_host", "connection_from_context",
     "connection_from_pool_key", "is_same_host"}
)
FILE_KINDS = ("TextIOWrapper", "BufferedReader", "BufferedWriter", "BufferedRandom", "FileIO")
_FILE_QUERIES = frozenset({"fileno", "isatty", "readable", "writable", "seekable"})

# Kinds whose every method call blocks, except the listed ones (clients with large, open APIs).
ANY_METHOD: dict[str, tuple[Blocking, frozenset[str]]] = {
    "redis.Redis": (REDIS, frozenset({"pipeline", "pubsub", "lock", "register_script"})),
    "boto3.Client": (
        BOTO,
        frozenset({"get_paginator", "get_waiter", "can_paginate", "generate_presigned_url",
                   "generate_presigned_post", "close"}),
    ),
    "sqlite3.Connection": (SQLITE_CONNECTION, frozenset({"close"})),
    "sqlite3.Cursor": (SQLITE_CONNECTION, frozenset({"close"})),
    # `stream(...)` and `connect(...)` return managers whose `with` does the I/O (WITH_BLOCKS)
    sdks.OPENAI_RESOURCE: (OPENAI_SDK, frozenset({"stream", "connect", "acreate"})),
    sdks.ANTHROPIC_RESOURCE: (ANTHROPIC_SDK, frozenset({"stream"})),
    sdks.GOTRUE_ADMIN: (SUPABASE_HTTP, frozenset()),
    sdks.STORAGE: (SUPABASE_HTTP, frozenset({"from_"})),
    sdks.STORAGE_BUCKET: (SUPABASE_HTTP, frozenset({"get_public_url"})),
    sdks.MINIO: (
        MINIO_SDK,
        frozenset({"presigned_get_object", "presigned_put_object", "presigned_post_policy",
                   "get_presigned_url", "set_app_info", "trace_on", "trace_off",
                   "enable_accelerate_endpoint", "disable_accelerate_endpoint",
                   "enable_dualstack_endpoint", "disable_dualstack_endpoint",
                   "enable_virtual_style_endpoint", "disable_virtual_style_endpoint"}),
    ),
    # capitalised methods (`Bucket(name)`) build sub-resources locally: see `method_entry`
    sdks.BOTO_RESOURCE: (BOTO, frozenset({"batch_writer", "get_available_subresources"})),
    sdks.SLACK: (SLACK_SDK, frozenset()),
    sdks.ELASTICSEARCH: (ELASTICSEARCH_SDK, frozenset({"options", "close"})),
    sdks.ELASTICSEARCH_NAMESPACE: (ELASTICSEARCH_SDK, frozenset({"close"})),  # `es.transport.close()`
    # urllib3's pools: every public method sends a request or manages connections, except
    # the lookups that return a pool.
    **{
        f"urllib3.{pool}": (HTTP_LOW, _POOL_LOOKUPS)
        for pool in ("PoolManager", "ProxyManager", "HTTPConnectionPool", "HTTPSConnectionPool",
                     "connectionpool.ConnectionPool", "request.RequestMethods")
    },
    # Sync file objects (`open()`, `Path.open()`, `os.fdopen()`, or annotated): every method
    # but those that only ask about the object.
    **{f"io.{kind}": (FILE_METHOD, _FILE_QUERIES) for kind in FILE_KINDS},
}

# Kinds that block when used as a synchronous context manager (`with lock:`).
WITH_BLOCKS: dict[str, Blocking] = {
    **{f"threading.{lock}": LOCK for lock in ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition")},
    sdks.OPENAI_STREAM: OPENAI_SDK,
    sdks.ANTHROPIC_STREAM: ANTHROPIC_SDK,
}

# Methods that wait only for room in a bounded queue: on one built without a maxsize
# (`queue.Queue()`, `Queue(0)`, `Queue(maxsize=0)`) they return at once.
BOUNDED_WAITS = frozenset({"queue.Queue.put", "multiprocessing.Queue.put"})
# Methods that wait only when their `block`/`blocking` flag is true, the default, or whose
# timeout is not the constant 0 (`analysis/arguments.py` reads them): `q.put(item, block=False)`
# and `thread.join(timeout=0)` do not wait.
FLAGGED_WAITS = frozenset(
    {"queue.Queue.get", "queue.Queue.put", "queue.SimpleQueue.get", "multiprocessing.Queue.get",
     "multiprocessing.Queue.put"}
    | {f"threading.{lock}.acquire" for lock in ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition")}
    | {"threading.Thread.join", "threading.Event.wait", "threading.Condition.wait",
       "threading.Barrier.wait", "concurrent.futures.Future.result",
       "concurrent.futures.Future.exception"}
)

# AL201's suggestion, for a sync SQLAlchemy Session, Engine or Connection (the checker's, and
# the runtime check's when a sync session's I/O runs on the loop).
SYNC_DB = Blocking(
    "AL201",
    "declare the endpoint with `def` so FastAPI runs it in the threadpool, or switch to "
    "`AsyncSession` (async_sessionmaker + aiosqlite/asyncpg) and `await` the call",
)
# AL110's suggestion: {func_args} is the helper and its arguments, {helper} its name.
TRANSITIVE = "offload it: `{offload}({func_args})`, or make `{helper}` async"

# User-configured blocking calls (`extra-blocking-calls`) default to this code.
USER_CODE = "AL100"


def method_display(kind: str, method: str) -> str:
    """How messages name `obj.method()`: by the receiver's class, or, for a file object
    (whose class depends on the mode it was opened with), as a file."""
    if kind.startswith("io.") and kind[3:] in FILE_KINDS:
        return f"{method}() on a sync file"
    return f"{kind}.{method}()"


def method_entry(kind: str, method: str, unbounded: bool = False, may_not_wait: bool = False) -> Blocking | None:
    """The entry for `obj.method(...)` on an object of `kind`: `unbounded` for a queue built
    without a bound, `may_not_wait` when the call's wait flag is not known to be true."""
    key = f"{kind}.{method}"
    if (unbounded and key in BOUNDED_WAITS) or (may_not_wait and key in FLAGGED_WAITS):
        return None
    entry = METHODS.get(key)
    if entry is not None:
        return entry
    open_api = ANY_METHOD.get(kind)
    # A capitalised method is a class or factory by convention (boto3's `s3.Bucket(name)`).
    if open_api is not None and method not in open_api[1] and not method.startswith("_") and not method[:1].isupper():
        return open_api[0]
    return None
