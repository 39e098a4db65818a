"""Sync SDK clients: the attribute chains that reach their API calls, and the calls that stay local."""

from __future__ import annotations

import textwrap

import pytest

from asynclint.engine import CheckOptions, check_source


def findings(code: str) -> list[tuple[int, str, str]]:
    result = check_source(textwrap.dedent(code), "app.py", CheckOptions())
    assert result.errors == []
    return [(finding.line, finding.code, finding.message.partition(" blocks")[0]) for finding in result.findings]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("import openai\nasync def f():\n    openai.chat.completions.create(model='m')\n",
         "openai.chat.completions.create()"),
        ("import openai\nasync def f():\n    openai.ChatCompletion.create(model='m')\n",
         "openai.ChatCompletion.create()"),
        ("from openai import OpenAI\nasync def f():\n    OpenAI().with_options(timeout=5).models.list()\n",
         "openai.OpenAI.models.list()"),
        ("from openai import AzureOpenAI\nasync def f():\n"
         "    AzureOpenAI().with_raw_response.chat.completions.create(model='m')\n",
         "openai.OpenAI.chat.completions.create()"),
        ("import anthropic\nasync def f():\n    with anthropic.Anthropic().messages.stream(model='m') as s:\n"
         "        return s\n", "`with` on a anthropic.MessageStreamManager"),
        ("from twilio.rest import Client\nasync def f():\n"
         "    Client().verify.v2.services('VA1').verifications.create(to='+1', channel='sms')\n",
         "twilio.rest.Client.verify.v2.services().verifications.create()"),
        ("from sendgrid import SendGridAPIClient\nasync def f(body):\n"
         "    SendGridAPIClient('k').client.mail.send.post(request_body=body)\n",
         "sendgrid.SendGridAPIClient.client.mail.send.post()"),
        ("from elasticsearch import Elasticsearch\nasync def f():\n"
         "    Elasticsearch().options(request_timeout=3).search(index='i')\n",
         "elasticsearch.Elasticsearch.search()"),
        ("from supabase import create_client\nasync def f(data):\n"
         "    create_client('u', 'k').storage.from_('media').upload('a.png', data)\n",
         "storage3.SyncBucketProxy.upload()"),
        ("import boto3\nasync def f():\n    boto3.resource('s3').meta.client.head_object(Bucket='b', Key='k')\n",
         "boto3.Client.head_object()"),
        ("import boto3\nasync def f():\n    boto3.Session().resource('dynamodb').Table('t').get_item(Key={})\n",
         "boto3.Resource.get_item()"),
        ("from celery import Celery\napp = Celery('jobs')\nasync def f(task_id):\n"
         "    return app.AsyncResult(task_id).get()\n", "celery.result.AsyncResult.get()"),
        ("from celery import Celery\napp = Celery('jobs')\nasync def f():\n"
         "    return app.send_task('jobs.resize', args=(1,)).get()\n", "celery.result.AsyncResult.get()"),
    ],
    ids=["openai-module-client", "openai-legacy", "with_options", "azure-raw-response",
         "anthropic-stream", "twilio-context", "sendgrid-fluent", "elasticsearch-options",
         "supabase-storage", "boto3-resource-meta-client", "boto3-session-resource",
         "celery-app-result", "celery-send-task"],
)
def test_a_call_reached_through_the_sdk_clients_chain_is_reported_by_that_chain(body, expected):
    [(_, _, call)] = findings(body)
    assert call == expected


@pytest.mark.parametrize(
    "body",
    [
        "from openai import OpenAI\nclient = OpenAI()\nasync def f():\n    return client.api_key.strip()\n",
        "from openai import OpenAI\nasync def f(payload, headers):\n"
        "    return OpenAI().webhooks.unwrap(payload, headers)\n",
        "from openai import OpenAI\nasync def f():\n    return OpenAI().chat.completions.stream(model='m')\n",
        "from twilio.rest import Client\nasync def f():\n    return Client().account_sid.upper()\n",
        "from twilio.rest import Client\nasync def f():\n    return Client().messages.stream(limit=20)\n",
        "from supabase import create_client\nasync def f():\n"
        "    return create_client('u', 'k').storage.from_('media').get_public_url('a.png')\n",
        "import boto3\nasync def f():\n"
        "    return boto3.resource('s3').meta.client.generate_presigned_url('get_object')\n",
        "import boto3\nasync def f():\n    with boto3.resource('dynamodb').Table('t').batch_writer() as batch:\n"
        "        return batch\n",
        "from google.cloud import storage\nasync def f():\n"
        "    return storage.Client().bucket('media').blob('a.png')\n",
        "import stripe\nasync def f(email):\n    return await stripe.StripeClient('k').customers.create_async(params={'email': email})\n",
        "from celery.result import AsyncResult\nasync def f(task_id):\n    return AsyncResult(task_id).id\n",
        "from kafka import KafkaProducer\nasync def f():\n    return KafkaProducer().send('t', b'x')\n",
        "from elasticsearch import AsyncElasticsearch, helpers\nasync def f(es: AsyncElasticsearch, docs):\n"
        "    await helpers.async_bulk(es, docs)\n",
        "from slack import WebClient\nasync def f(token):\n"
        "    return await WebClient(token=token, run_async=True).auth_test()\n",
        "from threading import Thread\nclass Stream:\n    def __init__(self):\n"
        "        self._thread: Thread | None = None\n    def begin(self):\n"
        "        self._thread = Thread(target=print)\n    async def restart(self):\n"
        "        self._thread.join(timeout=0)\n",
        "import redis.asyncio as redis\nimport httpx\nasync def f(url):\n"
        "    await redis.Redis().get('k')\n    async with httpx.AsyncClient() as client:\n"
        "        return await client.get(url)\n",
    ],
    ids=["client-setting", "webhook-verification", "stream-manager-not-entered", "twilio-setting",
         "twilio-lazy-stream", "supabase-public-url", "boto3-presigned", "boto3-batch-writer",
         "gcs-local-blob", "stripe-async-variant", "celery-result-id", "kafka-send-only",
         "elasticsearch-async-helpers", "legacy-slack-run-async", "thread-join-zero-timeout",
         "async-clients"],
)
def test_calls_that_do_no_io_or_use_an_async_client_stay_silent(body):
    assert findings(body) == []
