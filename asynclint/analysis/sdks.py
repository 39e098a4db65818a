"""Sync SDK clients as data: what their constructors make and what their attribute chains reach.

Kind names are the clients' public class names; an SDK's API resources (`client.chat.completions`,
`es.indices`, `client.messages`) share one kind per SDK, reached through the attributes listed
here and carrying the chain for messages (`Kind.path`). Which of their methods block, under which
code, is `catalog.py`. The async clients (`AsyncOpenAI`, `AsyncElasticsearch`, `AsyncWebClient`,
`acreate_client`) are deliberately absent: an object of unknown kind is never reported. So is
the legacy `slack.WebClient`, which `run_async=True` makes a client returning coroutines.
"""

from __future__ import annotations

OPENAI = "openai.OpenAI"
OPENAI_RESOURCE = "openai.resources"  # chat.completions, embeddings, files, ... of a sync client
OPENAI_STREAM = "openai.StreamManager"  # `client.chat.completions.stream(...)`: I/O in `with`
ANTHROPIC = "anthropic.Anthropic"
ANTHROPIC_RESOURCE = "anthropic.resources"
ANTHROPIC_STREAM = "anthropic.MessageStreamManager"
STRIPE_RESOURCE = "stripe.APIResource"  # `stripe.Customer`, `stripe.checkout.Session`, ...
STRIPE_CLIENT = "stripe.StripeClient"
STRIPE_SERVICE = "stripe.StripeService"  # `client.customers`, `client.v1.payment_intents`
SUPABASE = "supabase.Client"
POSTGREST_QUERY = "postgrest.SyncRequestBuilder"  # `supabase.table("t").select("*").eq(...)`
GOTRUE = "gotrue.SyncGoTrueClient"
GOTRUE_ADMIN = "gotrue.SyncGoTrueAdminAPI"
STORAGE = "storage3.SyncStorageClient"
STORAGE_BUCKET = "storage3.SyncBucketProxy"
MINIO = "minio.Minio"
BOTO_RESOURCE = "boto3.Resource"  # a service resource, or a sub-resource (`Bucket(...)`)
BOTO_RESOURCE_META = "boto3.ResourceMeta"
GCS_CLIENT = "google.cloud.storage.Client"
GCS_BUCKET = "google.cloud.storage.Bucket"
GCS_BLOB = "google.cloud.storage.Blob"
SLACK = "slack_sdk.WebClient"
SLACK_WEBHOOK = "slack_sdk.webhook.WebhookClient"
TWILIO = "twilio.rest.Client"
TWILIO_RESOURCE = "twilio.rest.resources"  # `client.messages`, `client.verify.v2.services(sid)`
SENDGRID = "sendgrid.SendGridAPIClient"
SENDGRID_FLUENT = "python_http_client.Client"  # `sg.client.mail.send`
ELASTICSEARCH = "elasticsearch.Elasticsearch"
ELASTICSEARCH_NAMESPACE = "elasticsearch.NamespacedClient"  # `es.indices`, `es.cluster`
CELERY = "celery.Celery"
CELERY_TASK = "celery.Task"
CELERY_RESULT = "celery.result.AsyncResult"
KAFKA_PRODUCER = "kafka.KafkaProducer"
KAFKA_CONSUMER = "kafka.KafkaConsumer"
KAFKA_FUTURE = "kafka.producer.future.FutureRecordMetadata"

# The API resources of the sync OpenAI client (also the module-level client: `openai.chat`).
# Not `webhooks`: `unwrap` and `verify_signature` check a signature locally.
_OPENAI_RESOURCES = (
    "chat", "completions", "embeddings", "files", "images", "audio", "moderations", "models",
    "fine_tuning", "vector_stores", "beta", "batches", "uploads", "responses", "containers",
    "evals", "conversations",
)
_ANTHROPIC_RESOURCES = ("messages", "completions", "models", "beta")
# Stripe's module-level API resources (`stripe.Customer.create(...)`); not `Webhook`, whose
# `construct_event` verifies a signature locally.
_STRIPE_RESOURCES = (
    "Account", "AccountLink", "ApplicationFee", "Balance", "BalanceTransaction", "Charge",
    "Coupon", "CreditNote", "Customer", "Dispute", "EphemeralKey", "Event", "File", "Invoice",
    "InvoiceItem", "Mandate", "PaymentIntent", "PaymentLink", "PaymentMethod", "Payout", "Plan",
    "Price", "Product", "PromotionCode", "Quote", "Refund", "SetupIntent", "Source",
    "Subscription", "SubscriptionItem", "SubscriptionSchedule", "TaxRate", "Token", "Transfer",
    "WebhookEndpoint", "checkout.Session", "billing_portal.Session", "identity.VerificationSession",
)
_TWILIO_RESOURCES = (
    "messages", "calls", "api", "verify", "conversations", "lookups", "notify", "chat", "video",
    "sync", "taskrouter", "incoming_phone_numbers", "available_phone_numbers", "recordings",
    "usage", "messaging", "studio", "serverless", "numbers", "trusthub", "content", "voice",
    "accounts", "events", "intelligence", "flex_api", "insights",
)

CANONICAL: dict[str, str] = {
    "openai.Client": OPENAI,
    "openai.AzureOpenAI": OPENAI,
    "openai._client.OpenAI": OPENAI,
    "openai.lib.azure.AzureOpenAI": OPENAI,
    "anthropic.Client": ANTHROPIC,
    "anthropic.AnthropicBedrock": ANTHROPIC,
    "anthropic.AnthropicVertex": ANTHROPIC,
    "anthropic._client.Anthropic": ANTHROPIC,
    "stripe._stripe_client.StripeClient": STRIPE_CLIENT,
    "supabase.client.create_client": "supabase.create_client",
    "supabase._sync.client.create_client": "supabase.create_client",
    "supabase.SyncClient": SUPABASE,
    "supabase.client.Client": SUPABASE,
    "supabase._sync.client.SyncClient": SUPABASE,
    "minio.api.Minio": MINIO,
    "google.cloud.storage.client.Client": GCS_CLIENT,
    "google.cloud.storage.bucket.Bucket": GCS_BUCKET,
    "google.cloud.storage.blob.Blob": GCS_BLOB,
    "slack_sdk.web.WebClient": SLACK,
    "slack_sdk.web.client.WebClient": SLACK,
    "slack_sdk.webhook.client.WebhookClient": SLACK_WEBHOOK,
    "twilio.rest.client.Client": TWILIO,
    "sendgrid.sendgrid.SendGridAPIClient": SENDGRID,
    "elasticsearch.client.Elasticsearch": ELASTICSEARCH,
    "elasticsearch._sync.client.Elasticsearch": ELASTICSEARCH,
    "celery.app.base.Celery": CELERY,
    "celery.app.shared_task": "celery.shared_task",
    "kafka.producer.KafkaProducer": KAFKA_PRODUCER,
    "kafka.producer.kafka.KafkaProducer": KAFKA_PRODUCER,
    "kafka.consumer.KafkaConsumer": KAFKA_CONSUMER,
    "kafka.consumer.group.KafkaConsumer": KAFKA_CONSUMER,
}

# Callables (classes, factories) and the kind of object they return.
CONSTRUCTORS: dict[str, str] = {
    OPENAI: OPENAI,
    ANTHROPIC: ANTHROPIC,
    STRIPE_CLIENT: STRIPE_CLIENT,
    "supabase.create_client": SUPABASE,
    SUPABASE: SUPABASE,
    "postgrest.SyncPostgrestClient": POSTGREST_QUERY,  # its `from_`/`table` make the builders
    MINIO: MINIO,
    "boto3.resource": BOTO_RESOURCE,
    GCS_CLIENT: GCS_CLIENT,
    f"{GCS_CLIENT}.from_service_account_json": GCS_CLIENT,
    f"{GCS_CLIENT}.from_service_account_info": GCS_CLIENT,
    GCS_BUCKET: GCS_BUCKET,
    GCS_BLOB: GCS_BLOB,
    SLACK: SLACK,
    SLACK_WEBHOOK: SLACK_WEBHOOK,
    TWILIO: TWILIO,
    SENDGRID: SENDGRID,
    ELASTICSEARCH: ELASTICSEARCH,
    CELERY: CELERY,
    CELERY_RESULT: CELERY_RESULT,
    KAFKA_PRODUCER: KAFKA_PRODUCER,
    KAFKA_CONSUMER: KAFKA_CONSUMER,
}

# "<kind>.<method>" -> kind of the returned object; "<kind>.*" matches any public method.
METHOD_RESULTS: dict[str, str] = {
    f"{OPENAI}.with_options": OPENAI,
    f"{OPENAI}.copy": OPENAI,
    f"{OPENAI_RESOURCE}.stream": OPENAI_STREAM,
    f"{ANTHROPIC}.with_options": ANTHROPIC,
    f"{ANTHROPIC}.copy": ANTHROPIC,
    f"{ANTHROPIC_RESOURCE}.stream": ANTHROPIC_STREAM,
    f"{SUPABASE}.table": POSTGREST_QUERY,
    f"{SUPABASE}.from_": POSTGREST_QUERY,
    f"{SUPABASE}.rpc": POSTGREST_QUERY,
    f"{SUPABASE}.schema": POSTGREST_QUERY,
    f"{POSTGREST_QUERY}.*": POSTGREST_QUERY,  # select/eq/order/limit/... chain; execute() sends
    f"{STORAGE}.from_": STORAGE_BUCKET,
    "boto3.Session.resource": BOTO_RESOURCE,
    f"{GCS_CLIENT}.bucket": GCS_BUCKET,
    f"{GCS_CLIENT}.get_bucket": GCS_BUCKET,
    f"{GCS_CLIENT}.lookup_bucket": GCS_BUCKET,
    f"{GCS_CLIENT}.create_bucket": GCS_BUCKET,
    f"{GCS_BUCKET}.blob": GCS_BLOB,
    f"{GCS_BUCKET}.get_blob": GCS_BLOB,
    f"{ELASTICSEARCH}.options": ELASTICSEARCH,
    f"{TWILIO_RESOURCE}.*": TWILIO_RESOURCE,  # `services(sid)`, `get(sid)`: a context, no I/O yet
    f"{SENDGRID_FLUENT}._": SENDGRID_FLUENT,  # `sg.client.templates._(template_id)`
    f"{CELERY}.AsyncResult": CELERY_RESULT,
    f"{CELERY}.send_task": CELERY_RESULT,
    f"{CELERY_TASK}.delay": CELERY_RESULT,
    f"{CELERY_TASK}.apply_async": CELERY_RESULT,
    f"{KAFKA_PRODUCER}.send": KAFKA_FUTURE,
}

# "<kind>.<attribute>" -> kind; "<kind>.*" matches any public attribute.
ATTRIBUTE_RESULTS: dict[str, str] = {
    **{f"{OPENAI}.{name}": OPENAI_RESOURCE for name in _OPENAI_RESOURCES},
    f"{OPENAI}.with_raw_response": OPENAI,
    f"{OPENAI_RESOURCE}.*": OPENAI_RESOURCE,  # chat.completions, beta.threads.runs, ...
    **{f"{ANTHROPIC}.{name}": ANTHROPIC_RESOURCE for name in _ANTHROPIC_RESOURCES},
    f"{ANTHROPIC}.with_raw_response": ANTHROPIC,
    f"{ANTHROPIC_RESOURCE}.*": ANTHROPIC_RESOURCE,  # messages.batches, beta.messages, ...
    f"{STRIPE_CLIENT}.*": STRIPE_SERVICE,
    f"{STRIPE_SERVICE}.*": STRIPE_SERVICE,  # client.v1.customers, client.checkout.sessions
    f"{SUPABASE}.auth": GOTRUE,
    f"{SUPABASE}.storage": STORAGE,
    f"{GOTRUE}.admin": GOTRUE_ADMIN,
    f"{BOTO_RESOURCE}.meta": BOTO_RESOURCE_META,
    f"{BOTO_RESOURCE_META}.client": "boto3.Client",
    **{f"{TWILIO}.{name}": TWILIO_RESOURCE for name in _TWILIO_RESOURCES},
    f"{TWILIO_RESOURCE}.*": TWILIO_RESOURCE,
    f"{SENDGRID}.client": SENDGRID_FLUENT,
    f"{SENDGRID_FLUENT}.*": SENDGRID_FLUENT,
    f"{ELASTICSEARCH}.*": ELASTICSEARCH_NAMESPACE,
}

# Module-level objects of libraries: qualified name -> kind.
LIBRARY_OBJECTS: dict[str, str] = {
    **{f"openai.{name}": OPENAI_RESOURCE for name in _OPENAI_RESOURCES},  # the module client
    **{f"openai.{name}": OPENAI_RESOURCE for name in ("ChatCompletion", "Completion", "Embedding")},
    **{f"stripe.{name}": STRIPE_RESOURCE for name in _STRIPE_RESOURCES},
}

# Decorators that turn a function into an object of a kind: qualified name (or
# "<kind>.<method>" of the decorating object) -> kind.
DECORATED: dict[str, str] = {
    "celery.shared_task": CELERY_TASK,
    f"{CELERY}.task": CELERY_TASK,
}

# Kinds whose capitalised methods build a sub-resource locally (`s3.Bucket(name)`, no I/O).
SUBRESOURCES = frozenset({BOTO_RESOURCE})
# Kinds messages name by the attribute chain that reached them (`OpenAI.chat.completions`).
NAMED_BY_PATH = frozenset(
    {OPENAI_RESOURCE, ANTHROPIC_RESOURCE, STRIPE_RESOURCE, STRIPE_SERVICE, TWILIO_RESOURCE,
     ELASTICSEARCH_NAMESPACE, SENDGRID_FLUENT}
)
