/**
 * Every snippet the extension offers, as data. None passes a connection string or an
 * instrumentation key: both SDKs read APPLICATIONINSIGHTS_CONNECTION_STRING when no connection
 * string is given in code, and a literal in code would beat that variable (the extension injects it
 * to point the app at the local relay; production sets it too).
 *
 * The OpenCensus templates follow Microsoft's "Set up Azure Monitor for your Python application"
 * guide, with its stray parentheses and hard-coded keys fixed, and INFO logs made exportable.
 *
 * Plain Node: never import `vscode` here.
 */
import { SnippetTemplate } from './types';

const OPENCENSUS_ENV_NOTE = '# AzureExporter() reads APPLICATIONINSIGHTS_CONNECTION_STRING from the environment.';
const OTEL_ENV_NOTE =
  '# configure_azure_monitor() reads APPLICATIONINSIGHTS_CONNECTION_STRING from the environment;\n' +
  '# do not pass connection_string= here (it would override the variable).';

const OPENCENSUS_TRACER_IMPORTS = [
  'from opencensus.ext.azure.trace_exporter import AzureExporter',
  'from opencensus.trace.samplers import ProbabilitySampler',
  'from opencensus.trace.tracer import Tracer',
];
const OPENCENSUS_TRACER_SETUP = `${OPENCENSUS_ENV_NOTE}
tracer = Tracer(exporter=AzureExporter(), sampler=ProbabilitySampler(1.0))`;

const OTEL_CONFIGURE_IMPORT = 'from azure.monitor.opentelemetry import configure_azure_monitor';

const OPENCENSUS: readonly SnippetTemplate[] = [
  {
    id: 'opencensus-traces',
    title: 'OpenCensus: traces',
    description: 'A Tracer that sends spans to Application Insights with AzureExporter (dependencies table).',
    sdk: 'opencensus',
    signal: 'traces',
    framework: 'none',
    packages: ['opencensus-ext-azure'],
    imports: OPENCENSUS_TRACER_IMPORTS,
    setup: OPENCENSUS_TRACER_SETUP,
    example: `def main():
    with tracer.span(name="hello"):
        print("Hello, World!")`,
    entryPoint: 'main()',
  },
  {
    id: 'opencensus-metrics',
    title: 'OpenCensus: metrics',
    description: 'A measure and a count view exported to Application Insights with metrics_exporter (customMetrics table).',
    sdk: 'opencensus',
    signal: 'metrics',
    framework: 'none',
    packages: ['opencensus-ext-azure'],
    imports: [
      'from opencensus.ext.azure import metrics_exporter',
      'from opencensus.stats import aggregation as aggregation_module',
      'from opencensus.stats import measure as measure_module',
      'from opencensus.stats import stats as stats_module',
      'from opencensus.stats import view as view_module',
      'from opencensus.tags import tag_map as tag_map_module',
    ],
    setup: `stats = stats_module.stats
view_manager = stats.view_manager
stats_recorder = stats.stats_recorder

prompt_measure = measure_module.MeasureInt("prompts", "number of prompts", "prompts")
prompt_view = view_module.View(
    "prompt view",
    "number of prompts",
    [],
    prompt_measure,
    aggregation_module.CountAggregation(),
)
view_manager.register_view(prompt_view)
# new_metrics_exporter() reads APPLICATIONINSIGHTS_CONNECTION_STRING from the environment.
exporter = metrics_exporter.new_metrics_exporter()
view_manager.register_exporter(exporter)`,
    example: `def main():
    mmap = stats_recorder.new_measurement_map()
    tmap = tag_map_module.TagMap()
    mmap.measure_int_put(prompt_measure, 1)
    mmap.record(tmap)
    # Metrics are exported every 15 seconds: stay alive long enough for one export.
    time.sleep(20)`,
    exampleImports: ['import time'],
    entryPoint: 'main()',
  },
  {
    id: 'opencensus-logs',
    title: 'OpenCensus: logs',
    description: 'A logger with AzureLogHandler (traces and exceptions tables), at level INFO so INFO records are exported.',
    sdk: 'opencensus',
    signal: 'logs',
    framework: 'none',
    packages: ['opencensus-ext-azure'],
    imports: ['import logging', 'from opencensus.ext.azure.log_exporter import AzureLogHandler'],
    setup: `logger = logging.getLogger(__name__)
# AzureLogHandler() reads APPLICATIONINSIGHTS_CONNECTION_STRING from the environment.
logger.addHandler(AzureLogHandler())
# Python's default level is WARNING: without this, INFO records never reach the handler.
logger.setLevel(logging.INFO)`,
    example: `def main():
    logger.info("Hello, World!")
    logger.warning("Something to look at")
    try:
        1 / 0
    except ZeroDivisionError:
        logger.exception("Division failed")`,
    entryPoint: 'main()',
  },
  {
    id: 'opencensus-flask',
    title: 'OpenCensus: Flask',
    description: 'FlaskMiddleware (opencensus-ext-flask): every request becomes a request in Application Insights.',
    sdk: 'opencensus',
    signal: 'traces',
    framework: 'flask',
    packages: ['opencensus-ext-azure', 'opencensus-ext-flask', 'flask'],
    imports: [
      'from flask import Flask',
      'from opencensus.ext.azure.trace_exporter import AzureExporter',
      'from opencensus.ext.flask.flask_middleware import FlaskMiddleware',
      'from opencensus.trace.samplers import ProbabilitySampler',
    ],
    setup: `app = Flask(__name__)
${OPENCENSUS_ENV_NOTE}
middleware = FlaskMiddleware(app, exporter=AzureExporter(), sampler=ProbabilitySampler(rate=1.0))`,
    example: `@app.route("/")
def hello():
    return "Hello, World!"`,
    entryPoint: 'app.run()',
  },
  {
    id: 'opencensus-django',
    title: 'OpenCensus: Django (settings.py)',
    description:
      'OpencensusMiddleware (opencensus-ext-django) and the OPENCENSUS settings: every request becomes a request in Application Insights.',
    sdk: 'opencensus',
    signal: 'traces',
    framework: 'django',
    packages: ['opencensus-ext-azure', 'opencensus-ext-django'],
    imports: [],
    setup: `# Azure Monitor (OpenCensus): trace every request. The exporter reads
# APPLICATIONINSIGHTS_CONNECTION_STRING from the environment.
MIDDLEWARE += ["opencensus.ext.django.middleware.OpencensusMiddleware"]
OPENCENSUS = {
    "TRACE": {
        "SAMPLER": "opencensus.trace.samplers.ProbabilitySampler(rate=1)",
        "EXPORTER": "opencensus.ext.azure.trace_exporter.AzureExporter()",
    }
}`,
    example: `MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
]`,
    placement: 'end-of-file',
    targetFile: 'settings.py',
  },
  {
    id: 'opencensus-requests',
    title: 'OpenCensus: requests',
    description: 'The requests integration (opencensus-ext-requests): outgoing HTTP calls become dependencies.',
    sdk: 'opencensus',
    signal: 'traces',
    framework: 'requests',
    packages: ['opencensus-ext-azure', 'opencensus-ext-requests', 'requests'],
    imports: ['from opencensus.trace import config_integration', ...OPENCENSUS_TRACER_IMPORTS],
    setup: `config_integration.trace_integrations(["requests"])
${OPENCENSUS_TRACER_SETUP}`,
    example: `def main():
    with tracer.span(name="parent"):
        requests.get(url="https://www.wikipedia.org/wiki/Rabbit")`,
    exampleImports: ['import requests'],
    entryPoint: 'main()',
  },
  {
    id: 'opencensus-mysql',
    title: 'OpenCensus: MySQL',
    description: 'The mysql integration (opencensus-ext-mysql): queries through mysql.connector become dependencies.',
    sdk: 'opencensus',
    signal: 'traces',
    framework: 'mysql',
    packages: ['opencensus-ext-azure', 'opencensus-ext-mysql', 'mysql-connector-python'],
    imports: ['from opencensus.trace import config_integration', ...OPENCENSUS_TRACER_IMPORTS],
    setup: `config_integration.trace_integrations(["mysql"])
${OPENCENSUS_TRACER_SETUP}`,
    example: `def main():
    with tracer.span(name="query"):
        connection = mysql.connector.connect(
            host=os.environ.get("MYSQL_HOST", "localhost"),
            user=os.environ.get("MYSQL_USER", "root"),
            password=os.environ.get("MYSQL_PASSWORD", ""),
        )
        cursor = connection.cursor()
        cursor.execute("SELECT 1")
        cursor.fetchall()
        connection.close()`,
    exampleImports: ['import os', 'import mysql.connector'],
    entryPoint: 'main()',
  },
  {
    id: 'opencensus-postgresql',
    title: 'OpenCensus: PostgreSQL',
    description: 'The postgresql integration (opencensus-ext-postgresql): queries through psycopg2 become dependencies.',
    sdk: 'opencensus',
    signal: 'traces',
    framework: 'postgresql',
    packages: ['opencensus-ext-azure', 'opencensus-ext-postgresql', 'psycopg2-binary'],
    imports: ['from opencensus.trace import config_integration', ...OPENCENSUS_TRACER_IMPORTS],
    setup: `config_integration.trace_integrations(["postgresql"])
${OPENCENSUS_TRACER_SETUP}`,
    example: `def main():
    with tracer.span(name="query"):
        connection = psycopg2.connect(os.environ.get("DATABASE_URL", "dbname=postgres"))
        cursor = connection.cursor()
        cursor.execute("SELECT 1")
        cursor.fetchall()
        connection.close()`,
    exampleImports: ['import os', 'import psycopg2'],
    entryPoint: 'main()',
  },
];

const OPENTELEMETRY: readonly SnippetTemplate[] = [
  {
    id: 'otel-configure',
    title: 'OpenTelemetry: configure Azure Monitor',
    description:
      'configure_azure_monitor() from the azure-monitor-opentelemetry distro: traces, metrics and logs, with Flask, Django, FastAPI, requests and psycopg2 instrumented automatically.',
    sdk: 'opentelemetry',
    signal: 'all',
    framework: 'none',
    packages: ['azure-monitor-opentelemetry'],
    imports: [OTEL_CONFIGURE_IMPORT],
    setup: `${OTEL_ENV_NOTE}
configure_azure_monitor()`,
    example: `def main():
    logging.getLogger(__name__).warning("Azure Monitor is configured.")`,
    exampleImports: ['import logging'],
    entryPoint: 'main()',
  },
  {
    id: 'otel-traces',
    title: 'OpenTelemetry: manual spans',
    description: 'A tracer from opentelemetry.trace and a span created with start_as_current_span.',
    sdk: 'opentelemetry',
    signal: 'traces',
    framework: 'none',
    packages: ['azure-monitor-opentelemetry'],
    imports: [OTEL_CONFIGURE_IMPORT, 'from opentelemetry import trace'],
    setup: `${OTEL_ENV_NOTE}
configure_azure_monitor()
tracer = trace.get_tracer(__name__)


def say_hello(name):
    # One span per unit of work: it shows in Live Telemetry and in the portal's transaction view.
    with tracer.start_as_current_span("say_hello") as span:
        span.set_attribute("greeting.name", name)
        print(f"Hello, {name}!")`,
    example: `def main():
    say_hello("World")`,
    entryPoint: 'main()',
  },
  {
    id: 'otel-metrics',
    title: 'OpenTelemetry: counter and histogram',
    description: 'A meter with a counter and a histogram (customMetrics table).',
    sdk: 'opentelemetry',
    signal: 'metrics',
    framework: 'none',
    packages: ['azure-monitor-opentelemetry'],
    imports: [OTEL_CONFIGURE_IMPORT, 'from opentelemetry import metrics'],
    setup: `${OTEL_ENV_NOTE}
configure_azure_monitor()
meter = metrics.get_meter(__name__)
requests_counter = meter.create_counter("requests_handled", unit="1", description="Requests handled")
request_duration = meter.create_histogram("request_duration", unit="ms", description="Time spent per request")


def record_request(route, duration_ms):
    # Call this where a request is handled: both metrics show in the Metrics view, per route.
    requests_counter.add(1, {"route": route})
    request_duration.record(duration_ms, {"route": route})`,
    example: `def main():
    record_request("/hello", 12.5)`,
    entryPoint: 'main()',
  },
  {
    id: 'otel-logs',
    title: 'OpenTelemetry: logging',
    description: 'Python logging exported by the distro (traces and exceptions tables), at level INFO so INFO records are exported.',
    sdk: 'opentelemetry',
    signal: 'logs',
    framework: 'none',
    packages: ['azure-monitor-opentelemetry'],
    imports: ['import logging', OTEL_CONFIGURE_IMPORT],
    setup: `${OTEL_ENV_NOTE}
configure_azure_monitor()
logger = logging.getLogger(__name__)
# Python's default level is WARNING: without this, INFO records are never exported.
logger.setLevel(logging.INFO)`,
    example: `def main():
    logger.info("Hello, World!")
    try:
        1 / 0
    except ZeroDivisionError:
        logger.exception("Division failed")`,
    entryPoint: 'main()',
  },
  {
    id: 'otel-flask',
    title: 'OpenTelemetry: Flask',
    description: 'configure_azure_monitor() before the Flask app is created: requests are traced automatically.',
    sdk: 'opentelemetry',
    signal: 'traces',
    framework: 'flask',
    packages: ['azure-monitor-opentelemetry', 'flask'],
    imports: [OTEL_CONFIGURE_IMPORT, 'from flask import Flask'],
    setup: `${OTEL_ENV_NOTE}
# Call it before Flask(...): the distro instruments apps created afterwards.
configure_azure_monitor()
app = Flask(__name__)`,
    example: `@app.route("/")
def hello():
    return "Hello, World!"`,
    entryPoint: 'app.run()',
  },
  {
    id: 'otel-django',
    title: 'OpenTelemetry: Django (wsgi.py or manage.py)',
    description:
      'configure_azure_monitor() after DJANGO_SETTINGS_MODULE is set and before the WSGI app is created: requests are traced automatically.',
    sdk: 'opentelemetry',
    signal: 'traces',
    framework: 'django',
    packages: ['azure-monitor-opentelemetry', 'django'],
    imports: ['import os', OTEL_CONFIGURE_IMPORT, 'from django.core.wsgi import get_wsgi_application'],
    setup: `# Replace "mysite" with your project's package.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
${OTEL_ENV_NOTE}
# Django's settings must be known first, and the app created afterwards.
configure_azure_monitor()
application = get_wsgi_application()`,
    example: '',
    targetFile: 'wsgi.py',
  },
  {
    id: 'otel-fastapi',
    title: 'OpenTelemetry: FastAPI',
    description: 'configure_azure_monitor() before the FastAPI app is created: requests are traced automatically.',
    sdk: 'opentelemetry',
    signal: 'traces',
    framework: 'fastapi',
    packages: ['azure-monitor-opentelemetry', 'fastapi', 'uvicorn'],
    imports: [OTEL_CONFIGURE_IMPORT, 'from fastapi import FastAPI'],
    setup: `${OTEL_ENV_NOTE}
# Call it before FastAPI(): the distro instruments apps created afterwards. For an app created
# earlier (imported from another module), call
# opentelemetry.instrumentation.fastapi.FastAPIInstrumentor.instrument_app(app) instead.
configure_azure_monitor()
app = FastAPI()`,
    example: `@app.get("/")
async def hello():
    return {"message": "Hello, World!"}`,
    exampleImports: ['import uvicorn'],
    entryPoint: 'uvicorn.run(app, host="127.0.0.1", port=8000)',
  },
  {
    id: 'otel-fastapi-instrumentor',
    title: 'OpenTelemetry: FastAPI app created elsewhere',
    description: 'FastAPIInstrumentor.instrument_app(app) for an app object created before configure_azure_monitor() ran.',
    sdk: 'opentelemetry',
    signal: 'traces',
    framework: 'fastapi',
    packages: ['azure-monitor-opentelemetry', 'fastapi', 'uvicorn'],
    imports: [
      OTEL_CONFIGURE_IMPORT,
      'from fastapi import FastAPI',
      'from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor',
    ],
    setup: `app = FastAPI()
${OTEL_ENV_NOTE}
configure_azure_monitor()
# The app already exists, so the distro's automatic instrumentation missed it.
FastAPIInstrumentor.instrument_app(app)`,
    example: `@app.get("/")
async def hello():
    return {"message": "Hello, World!"}`,
    exampleImports: ['import uvicorn'],
    entryPoint: 'uvicorn.run(app, host="127.0.0.1", port=8000)',
  },
  {
    id: 'otel-requests',
    title: 'OpenTelemetry: requests',
    description: 'Outgoing HTTP calls made with requests become dependencies (instrumented automatically by the distro).',
    sdk: 'opentelemetry',
    signal: 'traces',
    framework: 'requests',
    packages: ['azure-monitor-opentelemetry', 'requests'],
    imports: ['import requests', OTEL_CONFIGURE_IMPORT, 'from opentelemetry import trace'],
    setup: `${OTEL_ENV_NOTE}
# requests is instrumented automatically: each call becomes a dependency.
configure_azure_monitor()
tracer = trace.get_tracer(__name__)


def fetch(url):
    # The span groups the calls made inside it under one operation in the transaction view.
    with tracer.start_as_current_span("fetch"):
        return requests.get(url, timeout=10)`,
    example: `def main():
    fetch("https://www.wikipedia.org/wiki/Rabbit")`,
    entryPoint: 'main()',
  },
  {
    id: 'otel-psycopg2',
    title: 'OpenTelemetry: psycopg2 (PostgreSQL)',
    description:
      'Queries through psycopg2 become dependencies (instrumented automatically by the distro for connections opened after configure).',
    sdk: 'opentelemetry',
    signal: 'traces',
    framework: 'psycopg2',
    packages: ['azure-monitor-opentelemetry', 'psycopg2-binary'],
    imports: [OTEL_CONFIGURE_IMPORT],
    setup: `${OTEL_ENV_NOTE}
# psycopg2 is instrumented automatically for connections opened after this call.
configure_azure_monitor()`,
    example: `def main():
    connection = psycopg2.connect(os.environ.get("DATABASE_URL", "dbname=postgres"))
    cursor = connection.cursor()
    cursor.execute("SELECT 1")
    cursor.fetchall()
    connection.close()`,
    exampleImports: ['import os', 'import psycopg2'],
    entryPoint: 'main()',
  },
];

/** Plain OpenTelemetry over OTLP/HTTP: the relay takes it too and forwards it to Azure Monitor. */
const PLAIN_OTLP: readonly SnippetTemplate[] = [
  {
    id: 'otlp-export',
    title: 'OpenTelemetry: plain OTLP export (no Azure package)',
    description:
      'The OpenTelemetry SDK with the OTLP/HTTP exporters for traces, metrics and logs; the extension points OTEL_EXPORTER_OTLP_ENDPOINT at its local relay, which forwards to Azure Monitor.',
    sdk: 'otlp',
    signal: 'all',
    framework: 'none',
    packages: ['opentelemetry-sdk', 'opentelemetry-exporter-otlp-proto-http'],
    imports: [
      'import logging',
      'from opentelemetry import metrics',
      'from opentelemetry import trace',
      'from opentelemetry._logs import set_logger_provider',
      'from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter',
      'from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter',
      'from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter',
      'from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler',
      'from opentelemetry.sdk._logs.export import BatchLogRecordProcessor',
      'from opentelemetry.sdk.metrics import MeterProvider',
      'from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader',
      'from opentelemetry.sdk.resources import Resource',
      'from opentelemetry.sdk.trace import TracerProvider',
      'from opentelemetry.sdk.trace.export import BatchSpanProcessor',
    ],
    setup: `# The exporters read OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_HEADERS from the environment
# (the extension sets them to its local relay): pass no endpoint in code. OTEL_SERVICE_NAME names the app.
resource = Resource.create()
trace.set_tracer_provider(TracerProvider(resource=resource))
trace.get_tracer_provider().add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=[PeriodicExportingMetricReader(OTLPMetricExporter())]))
logger_provider = LoggerProvider(resource=resource)
logger_provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter()))
set_logger_provider(logger_provider)
logging.getLogger().addHandler(LoggingHandler(level=logging.INFO, logger_provider=logger_provider))
logging.getLogger().setLevel(logging.INFO)
tracer = trace.get_tracer(__name__)
requests_counter = metrics.get_meter(__name__).create_counter("requests_handled")`,
    example: `def main():
    with tracer.start_as_current_span("hello"):
        requests_counter.add(1, {"route": "/hello"})
        logging.getLogger(__name__).info("Hello over OTLP!")`,
    entryPoint: 'main()',
  },
];

// The distro first and retired OpenCensus last: pickers and completions show them in this order.
export const SNIPPETS: readonly SnippetTemplate[] = [...OPENTELEMETRY, ...PLAIN_OTLP, ...OPENCENSUS];
