"""AL102, AL105, AL109: sync clients of remote services on the event loop — HTTP and SDK
clients, database drivers, sockets and object storage."""

from __future__ import annotations

from asynclint.rules.base import BLOCKS, OFFLOAD_FIX_SAFETY, Rule
from asynclint.rules.offload_examples import DB_DRIVER_FIXED, HTTP_FIXED, NETWORK_FIXED


class BlockingHttp(Rule):
    """
    ## What it does
    Flags synchronous HTTP clients used in async code: `requests.*` (`requests.request` too)
    and `requests.Session()` methods; httpx's and httpx2's sync API (httpx2 is the maintained
    continuation of httpx) and the `send`, `stream`, `close` and verb methods of `httpx.Client`
    / `httpx2.Client`; `urllib.request.urlopen`; urllib3 (`urllib3.request`, and any method of
    a `PoolManager`, `ProxyManager`, `HTTPConnectionPool`, `HTTPSConnectionPool` or other pool
    but the `connection_from_*` lookups); and `http.client`.

    And the sync clients of HTTP APIs: `openai.OpenAI` and `anthropic.Anthropic` (every call
    through the client's resources: `client.chat.completions.create`, `client.messages.create`,
    ...), `stripe` (`stripe.Customer.create`, `StripeClient`), supabase's auth and storage,
    `firebase_admin.messaging.send*` and `auth` user management, `slack_sdk.WebClient`,
    `twilio.rest.Client`, `sendgrid.SendGridAPIClient`.

    A client's type is known from its construction (`client = httpx.Client()`, in the function
    or at module level), from an annotation (`httpx.Client`, `httpx.Client | None`,
    `Optional[httpx.Client]`, `client: httpx.Client = ...`), from a project factory
    (`def get_client(): return OpenAI()`) or from what a class keeps on `self`; a union of two
    real types is unknown, and unknown stays silent. A name nothing imports is not matched:
    `requests.get()` without `import requests` is not reported (ruff and flake8-async match
    such names).

    ## Why is this bad?
    A sync HTTP call waits for the network on the event loop's thread: one slow upstream
    service stalls every request of the worker, not just the one that called it.

    ## Example
    ```python
    @app.get("/profile/{uid}")
    async def profile(uid: int):
        return requests.get(f"{API}/users/{uid}").json()
    ```

    ## Use instead
    ```python
    @app.get("/profile/{uid}")
    async def profile(uid: int):
        async with httpx.AsyncClient() as client:
            response = await client.get(f"{API}/users/{uid}")
        return response.json()
    ```
    or keep the sync client off the loop: `await run_in_threadpool(requests.get, url)`.
    """

    code = "AL102"
    ENDPOINT_DEF_FIX = True
    FIXED = HTTP_FIXED
    FIX_SAFETY = OFFLOAD_FIX_SAFETY
    name = "blocking-http"
    summary = "sync HTTP client or SDK (requests, httpx/httpx2 Client, urllib3 pools, urllib, OpenAI, Stripe, ...) in async code"
    message = BLOCKS
    VALID = (
        "import httpx\nasync def f(url):\n"
        "    async with httpx.AsyncClient() as client:\n        return await client.get(url)\n",
        # SDKs: the async clients, offloaded sync calls, a `def` function
        "from openai import AsyncOpenAI\nfrom anthropic import AsyncAnthropic\nclient = AsyncOpenAI()\n"
        "async def f(q):\n    await client.chat.completions.create(model='m', messages=q)\n"
        "    return await AsyncAnthropic().messages.create(model='m', max_tokens=9, messages=q)\n",
        "import asyncio\nfrom fastapi.concurrency import run_in_threadpool\nfrom openai import OpenAI\n"
        "client = OpenAI()\nasync def f(q):\n"
        "    await run_in_threadpool(client.chat.completions.create, model='m', messages=q)\n"
        "    return await asyncio.to_thread(client.embeddings.create, input=q)\n",
        "from openai import OpenAI\ndef f(q):\n    return OpenAI().chat.completions.create(model='m', messages=q)\n",
        # `stream()` returns a manager: its `async with` on an async client does the I/O
        "from openai import AsyncOpenAI\nasync def f(q):\n"
        "    async with AsyncOpenAI().chat.completions.stream(model='m', messages=q) as s:\n"
        "        return s\n",
        "import stripe\nasync def f(payload, signature, secret, email):\n"
        "    event = stripe.Webhook.construct_event(payload, signature, secret)\n"
        "    await stripe.Customer.create_async(email=email)\n    return event\n",
        "from slack_sdk.web.async_client import AsyncWebClient\nasync def f(text):\n"
        "    await AsyncWebClient(token='t').chat_postMessage(channel='c', text=text)\n",
        # `client or OpenAI()` with an unknown `client`: awaited calls say it is an async client
        "from openai import OpenAI\nasync def f(q, client=None):\n    client = client or OpenAI()\n"
        "    return await client.chat.completions.create(model='m', messages=q)\n",
        "import requests\nfrom fastapi.concurrency import run_in_threadpool\n"
        "async def f(url):\n    return await run_in_threadpool(requests.get, url)\n",
        "import functools, asyncio, requests\nasync def f(url):\n"
        "    loop = asyncio.get_running_loop()\n"
        "    return await loop.run_in_executor(None, functools.partial(requests.get, url))\n",
        "import requests\ndef f(url):\n    return requests.get(url)\n",
        "async def f(requests, url):\n    return await requests.get(url)\n",
        "async def f(session, url):\n    return await session.get(url)\n",
        "import httpx\nasync def f(client: httpx.AsyncClient, url):\n    return await client.get(url)\n",
        "import httpx2\nasync def f(url):\n"
        "    async with httpx2.AsyncClient() as client:\n        return await client.get(url)\n",
        "import asyncio, httpx2\nasync def f(url):\n    return await asyncio.to_thread(httpx2.get, url)\n",
        "import httpx\nasync def f(client: httpx.AsyncClient | None):\n    await client.aclose()\n",
        # Not a method that does I/O; nor a client whose type is not known for sure.
        "import httpx\nasync def f(client: httpx.Client, url):\n    return client.build_request('GET', url)\n",
        "import httpx\nasync def f(client: httpx.Client | httpx.AsyncClient, url):\n"
        "    return await client.get(url)\n",
        "import httpx\nclient = httpx.Client()\ndef f(url):\n    return client.get(url)\n",
        "import urllib3\npool = urllib3.PoolManager()\nasync def f(url):\n"
        "    return pool.connection_from_url(url)\n",
        "async def f(pool, url):\n    return pool.urlopen('GET', url)\n",
        "import httpx2\nasync def f(url):\n    httpx2 = FakeHttp()\n    return httpx2.get(url)\n",
        "async def f(url):\n    return httpx2.get(url)\n",  # nothing imports httpx2: unknown
    )
    INVALID = (
        "import requests\nasync def f(url):\n    return requests.get(url)  # expect: AL102\n",
        "import requests\nasync def f(url):\n    return requests.request('GET', url)  # expect: AL102\n",
        # httpx2, the maintained continuation of httpx, exactly like httpx
        "import httpx2\nasync def f(url):\n    httpx2.get(url)  # expect: AL102\n"
        "    httpx2.request('GET', url)  # expect: AL102\n",
        "import httpx2\nasync def f(url):\n    client = httpx2.Client()\n"
        "    client.post(url)  # expect: AL102\n    client.stream('GET', url)  # expect: AL102\n"
        "    client.close()  # expect: AL102\n",
        "import httpx\nasync def f(client: httpx.Client):\n    client.close()  # expect: AL102\n",
        # A client made at module level, or declared: `X | None`, `None | X`, `Optional[X]`.
        "import httpx\nclient = httpx.Client()\nasync def f(url):\n"
        "    return client.get(url)  # expect: AL102\n",
        "from typing import Optional\nimport httpx, httpx2\n"
        "async def f(a: httpx.Client | None, b: None | httpx2.Client, c: Optional[httpx.Client], url):\n"
        "    a.get(url)  # expect: AL102\n    b.send(url)  # expect: AL102\n"
        "    c.delete(url)  # expect: AL102\n",
        "import httpx\nasync def f(url):\n    client: httpx.Client = ...\n"
        "    client.get(url)  # expect: AL102\n",
        # urllib3's pools: any method call, the type known from a constructor or an annotation.
        "import urllib3\nasync def f(path):\n    pool = urllib3.HTTPSConnectionPool('example.com')\n"
        "    return pool.urlopen('GET', path)  # expect: AL102\n",
        "import urllib3.connectionpool, urllib3.poolmanager\nfrom urllib3 import ProxyManager\n"
        "from urllib3.request import RequestMethods\n"
        "async def f(a: ProxyManager, b: urllib3.connectionpool.ConnectionPool,\n"
        "            c: urllib3.poolmanager.PoolManager, d: RequestMethods, url):\n"
        "    a.request('GET', url)  # expect: AL102\n    b.urlopen('GET', url)  # expect: AL102\n"
        "    c.urlopen('GET', url)  # expect: AL102\n"
        "    d.request_encode_url('GET', url)  # expect: AL102\n",
        "import requests as rq\nasync def f(url):\n    rq.post(url, json={})  # expect: AL102\n",
        "from requests import get\nasync def f(url):\n    get(url)  # expect: AL102\n",
        "import requests\nasync def f(url):\n    s = requests.Session()\n"
        "    return s.get(url)  # expect: AL102\n",
        "import requests\nasync def f(url):\n    with requests.Session() as s:\n"
        "        s.post(url)  # expect: AL102\n",
        "import httpx\nasync def f(url):\n    with httpx.Client() as client:\n"
        "        return client.get(url)  # expect: AL102\n",
        "import httpx\nasync def f(url):\n    httpx.get(url)  # expect: AL102\n",
        "import httpx\nasync def f(client: httpx.Client, url):\n"
        "    client.get(url)  # expect: AL102\n",
        "from urllib.request import urlopen\nasync def f(url):\n"
        "    urlopen(url)  # expect: AL102\n",
        "import urllib.request\nasync def f(url):\n"
        "    urllib.request.urlopen(url)  # expect: AL102\n",
        "import requests\nclass Api:\n    def __init__(self):\n        self.http = requests.Session()\n"
        "    async def fetch(self, url):\n        return self.http.get(url)  # expect: AL102\n",
        "from openai import OpenAI\nimport anthropic\nclient = OpenAI()\nasync def f(q):\n"
        "    client.chat.completions.create(model='m', messages=q)  # expect: AL102\n"
        "    with client.chat.completions.stream(model='m', messages=q) as s:  # expect: AL102\n"
        "        pass\n"
        "    return anthropic.Anthropic().messages.create(model='m', max_tokens=9, messages=q)  # expect: AL102\n",
        # a client from a project factory, kept on `self` through `client or get_client()`
        "from openai import OpenAI\ndef get_client():\n    return OpenAI()\nclass Llm:\n"
        "    def __init__(self, client: OpenAI | None = None):\n        self.client = client or get_client()\n"
        "    async def embed(self, text):\n"
        "        return self.client.embeddings.create(input=text)  # expect: AL102\n",
        "import stripe\nasync def f(email, intent):\n"
        "    stripe.Customer.create(email=email)  # expect: AL102\n"
        "    stripe.StripeClient('k').payment_intents.retrieve(intent)  # expect: AL102\n",
        "from firebase_admin import messaging\nfrom sendgrid import SendGridAPIClient\n"
        "from slack_sdk import WebClient\nfrom twilio.rest import Client\n"
        "async def notify(message, mail, text):\n"
        "    messaging.send(message)  # expect: AL102\n"
        "    SendGridAPIClient('k').send(mail)  # expect: AL102\n"
        "    WebClient(token='t').chat_postMessage(channel='c', text=text)  # expect: AL102\n"
        "    Client('sid', 'token').messages.create(to='+1', from_='+2', body=text)  # expect: AL102\n",
        "from supabase import create_client\nsupabase = create_client('url', 'key')\n"
        "async def me(token):\n    return supabase.auth.get_user(token)  # expect: AL102\n",
    )


class BlockingDbDriver(Rule):
    """
    ## What it does
    Flags synchronous database drivers in async code: `sqlite3.connect` (and its connection's
    queries), `psycopg2.connect`, `pymysql.connect`, `MySQLdb.connect`, pymongo `MongoClient`
    operations, sync `redis.Redis` commands, and the datastores queried over HTTP:
    `elasticsearch.Elasticsearch` (and its `indices`, `cluster`, ... namespaces,
    `elasticsearch.helpers.bulk`) and supabase/postgrest queries (`.execute()`).

    ## Why is this bad?
    Every query waits for the database on the event loop's thread, serialising all requests of
    the worker behind the slowest query.

    ## Example
    ```python
    async def count_users():
        conn = sqlite3.connect("app.db")
        return conn.execute("select count(*) from users").fetchone()
    ```

    ## Use instead
    ```python
    async def count_users():
        async with aiosqlite.connect("app.db") as db:
            async with db.execute("select count(*) from users") as cursor:
                return await cursor.fetchone()
    ```
    """

    code = "AL105"
    ENDPOINT_DEF_FIX = True
    FIX_SAFETY = OFFLOAD_FIX_SAFETY
    FIXED = DB_DRIVER_FIXED
    name = "blocking-db-driver"
    summary = "sync database driver (sqlite3, psycopg2, pymysql, pymongo, redis, Elasticsearch) in async code"
    message = BLOCKS
    VALID = (
        "import aiosqlite\nasync def f():\n    async with aiosqlite.connect('db') as db:\n"
        "        await db.execute('select 1')\n",
        "import redis.asyncio as redis\nasync def f():\n    r = redis.Redis()\n    await r.get('k')\n",
        "import sqlite3\ndef f():\n    return sqlite3.connect('db')\n",
        "import redis\nasync def f():\n    r = redis.Redis()\n    pipe = r.pipeline()\n",
        "from elasticsearch import AsyncElasticsearch\nes = AsyncElasticsearch('http://es:9200')\n"
        "async def f(q):\n    await es.indices.refresh(index='i')\n    return await es.search(index='i', query=q)\n",
        # building a query sends nothing; the async client's `execute()` is awaited
        "from supabase import acreate_client, create_client\nsupabase = create_client('url', 'key')\n"
        "async def f():\n    query = supabase.table('items').select('*').eq('id', 1)\n"
        "    client = await acreate_client('url', 'key')\n"
        "    return await client.table('items').select('*').execute()\n",
    )
    INVALID = (
        "import sqlite3\nasync def f():\n    sqlite3.connect('db')  # expect: AL105\n",
        "import psycopg2\nasync def f(dsn):\n    psycopg2.connect(dsn)  # expect: AL105\n",
        "import redis\nasync def f():\n    r = redis.Redis()\n    return r.get('k')  # expect: AL105\n",
        "from pymongo import MongoClient\nasync def f():\n    client = MongoClient()\n"
        "    return client.app.users.find_one({})  # expect: AL105\n",
        "import sqlite3\nfrom contextlib import closing\nasync def f(p):\n"
        "    with closing(sqlite3.connect(p)) as conn:  # expect: AL105\n"
        "        return conn.execute('select 1').fetchone()  # expect: AL105\n",
        "from elasticsearch import Elasticsearch, helpers\nes = Elasticsearch('http://es:9200')\n"
        "async def f(q, docs):\n    es.indices.refresh(index='i')  # expect: AL105\n"
        "    helpers.bulk(es, docs)  # expect: AL105\n"
        "    return es.search(index='i', query=q)  # expect: AL105\n",
        "from supabase import create_client\nsupabase = create_client('url', 'key')\n"
        "async def f():\n"
        "    return supabase.table('items').select('*').eq('id', 1).execute()  # expect: AL105\n",
    )


class BlockingNetwork(Rule):
    """
    ## What it does
    Flags blocking network calls in async code: `socket` connect/recv/send/accept and
    `socket.create_connection`, name lookups (`socket.getaddrinfo`, `gethostbyname`),
    `smtplib.SMTP`, `ftplib.FTP`, boto3 client and resource calls
    (`boto3.resource("s3").Bucket(name).upload_file(...)`; building `Bucket(name)` is local),
    object storage clients (`minio.Minio`, `google.cloud.storage.Client` buckets and blobs) and
    kafka-python's `flush`/`poll`/`commit`.

    ## Why is this bad?
    Each waits for a remote peer (or a DNS server) on the event loop's thread.

    ## Example
    ```python
    async def notify(msg):
        with smtplib.SMTP("mail.example.com") as smtp:
            smtp.send_message(msg)
    ```

    ## Use instead
    ```python
    async def notify(msg):
        await aiosmtplib.send(msg, hostname="mail.example.com")
    ```
    """

    code = "AL109"
    ENDPOINT_DEF_FIX = True
    FIX_SAFETY = OFFLOAD_FIX_SAFETY
    FIXED = NETWORK_FIXED
    name = "blocking-network"
    summary = "blocking sockets, DNS lookups, smtplib, ftplib, boto3, object storage, Kafka in async code"
    message = BLOCKS
    VALID = (
        "import asyncio\nasync def f(host):\n    return await asyncio.open_connection(host, 80)\n",
        "import asyncio\nasync def f(host):\n"
        "    return await asyncio.get_running_loop().getaddrinfo(host, 80)\n",
        "import boto3\nasync def f():\n    s3 = boto3.client('s3')\n"
        "    return s3.generate_presigned_url('get_object')\n",
        "import socket\ndef f(host):\n    return socket.gethostbyname(host)\n",
        # sub-resources and presigned URLs are built locally
        "import boto3\nfrom minio import Minio\nasync def f(key):\n"
        "    bucket = boto3.resource('s3').Bucket('media')\n    obj = bucket.Object(key)\n"
        "    return Minio('s3:9000').presigned_get_object('media', key)\n",
    )
    INVALID = (
        "import socket\nasync def f(host):\n    return socket.gethostbyname(host)  # expect: AL109\n",
        "import socket\nasync def f(host):\n    s = socket.socket()\n"
        "    s.connect((host, 80))  # expect: AL109\n",
        "import smtplib\nasync def f(msg):\n    with smtplib.SMTP('mail') as smtp:  # expect: AL109\n"
        "        smtp.send_message(msg)  # expect: AL109\n",
        "import boto3\nasync def f(body):\n    s3 = boto3.client('s3')\n"
        "    s3.put_object(Bucket='b', Key='k', Body=body)  # expect: AL109\n",
        "import boto3\nasync def f(path, key):\n    s3 = boto3.resource('s3')\n"
        "    s3.Bucket('media').upload_file(path, key)  # expect: AL109\n"
        "    return s3.Object('media', key).get()  # expect: AL109\n",
        "from google.cloud import storage\nfrom kafka import KafkaProducer\nfrom minio import Minio\n"
        "async def f(data, key):\n"
        "    Minio('s3:9000').put_object('media', key, data, len(data))  # expect: AL109\n"
        "    storage.Client().bucket('media').blob(key).upload_from_string(data)  # expect: AL109\n"
        "    KafkaProducer().flush()  # expect: AL109\n",
    )
