/**
 * The fixed Python of the Airflow DAG file (airflow-dag-file.ts writes the settings between the two
 * parts). Standard library only above the wiring, so `python3` runs the HTTP functions without
 * Airflow; every Airflow import sits inside `build_dag` and the callables it wires.
 */
const imports = `from __future__ import annotations

import importlib.util
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta`;

const body = `# Execution states in which nothing more will happen (an interrupted run resumes by itself).
ENDED_BAD = ("failed", "cancelled")
STAGE_DONE = ("completed", "skipped")

log = logging.getLogger(__name__)


class DataBridgeError(Exception):
    """DataBridge refused a call or could not be reached; the message says which and why."""


class DataBridgeRunFailed(Exception):
    """The DataBridge run failed or was cancelled; the message is DataBridge's own."""


def api_call(base_url, api_key, method, path, body=None, timeout=30.0):
    """One call to DataBridge's HTTP API; returns the reply's data, raises DataBridgeError."""
    url = base_url.rstrip("/") + path
    data = None if body is None else json.dumps(body).encode("utf-8")
    headers = {"authorization": "Bearer " + api_key, "accept": "application/json"}
    if data is not None:
        headers["content-type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read().decode("utf-8") or "null")
    except urllib.error.HTTPError as error:
        text = error.read().decode("utf-8", "replace")
        try:
            message = json.loads(text)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = text[:500] or error.reason
        raise DataBridgeError("DataBridge answered %s to %s %s: %s" % (error.code, method, path, message)) from None
    except urllib.error.URLError as error:
        raise DataBridgeError("DataBridge at %s cannot be reached: %s" % (base_url, error.reason)) from None
    if isinstance(payload, dict) and "data" in payload:
        return payload["data"]
    return payload


def start_execution(base_url, api_key, project_id, logical_date=None):
    """Starts a DataBridge execution of the project for the logical date (ISO 8601); returns its id."""
    body = {"projectId": project_id}
    if logical_date and logical_date != "None":
        body["logicalDate"] = logical_date
    started = api_call(base_url, api_key, "POST", "/api/executions/start", body)
    return started["executionId"]


def run_failure(status):
    """DataBridge's words for an execution that ended badly."""
    error = status.get("error") or {}
    message = error.get("message") or "no message"
    return "DataBridge execution %s %s: %s" % (status.get("executionId"), status.get("status"), message)


def stage_finished(base_url, api_key, execution_id, stage_id):
    """
    True once the stage has completed (or was skipped), False while it waits or runs. Raises
    DataBridgeRunFailed with DataBridge's message when the execution failed or was cancelled.
    """
    quoted = urllib.parse.quote(execution_id, safe="")
    status = api_call(base_url, api_key, "GET", "/api/executions/%s/status" % quoted)
    if status.get("status") in ENDED_BAD:
        raise DataBridgeRunFailed(run_failure(status))
    stages = api_call(base_url, api_key, "GET", "/api/executions/%s/stages" % quoted)["stages"]
    for stage in stages:
        if stage.get("stageId") == stage_id:
            return stage.get("status") in STAGE_DONE
    raise DataBridgeError("DataBridge execution %s has no stage %s" % (execution_id, stage_id))


def wait_for_stage(base_url, api_key, execution_id, stage_id, poke_seconds=5.0, timeout_seconds=3600.0):
    """Looks at the stage every poke_seconds until it finishes; what each sensor does between reschedules."""
    deadline = time.monotonic() + timeout_seconds
    while not stage_finished(base_url, api_key, execution_id, stage_id):
        if time.monotonic() > deadline:
            raise DataBridgeError("stage %s of execution %s did not finish in %s s" % (stage_id, execution_id, timeout_seconds))
        time.sleep(poke_seconds)
    return True


# ---- Airflow wiring: the only place Airflow is imported. ----


def _connection():
    """DataBridge's address and API key from the Airflow connection; the key is never in this file."""
    try:
        from airflow.sdk import BaseHook
    except ImportError:
        from airflow.hooks.base import BaseHook
    conn = BaseHook.get_connection(DATABRIDGE_CONNECTION_ID)
    host = conn.host or ""
    if "://" in host:
        base_url = host
    else:
        base_url = "%s://%s" % (conn.schema or "http", host)
        if conn.port:
            base_url += ":%s" % conn.port
    if not host or not conn.password:
        raise DataBridgeError(
            "Airflow connection %s needs DataBridge's address as its host and an API key as its password"
            % DATABRIDGE_CONNECTION_ID
        )
    return base_url, conn.password


def _start(logical_date=None):
    base_url, api_key = _connection()
    execution_id = start_execution(base_url, api_key, DATABRIDGE_PROJECT_ID, logical_date)
    log.info("DataBridge execution %s started for %s", execution_id, logical_date)
    return execution_id


def _poke(stage_id, ti):
    from airflow.exceptions import AirflowFailException

    base_url, api_key = _connection()
    execution_id = ti.xcom_pull(task_ids=START_TASK_ID)
    try:
        return stage_finished(base_url, api_key, execution_id, stage_id)
    except DataBridgeRunFailed as failure:
        # No Airflow retry: DataBridge has already retried what it could; "Clear" starts afresh.
        raise AirflowFailException(str(failure)) from None


def _sla_missed(*args, **kwargs):
    log.warning("DataBridge project %s: the run is still going after %s minutes", DATABRIDGE_PROJECT_NAME, SLA_MINUTES)


async def deadline_missed(**kwargs):
    _sla_missed()


def _deadline_or_sla(default_args):
    """Airflow 3.1+: a deadline alert; Airflow 2: the task SLA and its callback; 3.0 has neither."""
    if SLA_MINUTES is None:
        return {}
    try:
        from airflow.sdk.definitions.deadline import AsyncCallback, DeadlineAlert, DeadlineReference
    except ImportError:
        import airflow

        if airflow.__version__.startswith("2."):
            default_args["sla"] = timedelta(minutes=SLA_MINUTES)
            return {"sla_miss_callback": _sla_missed}
        log.warning("%s: Airflow %s has no SLA or deadline alerts; DataBridge's own SLA alert still applies", DAG_ID, airflow.__version__)
        return {}
    return {
        "deadline": DeadlineAlert(
            reference=DeadlineReference.DAGRUN_QUEUED_AT,
            interval=timedelta(minutes=SLA_MINUTES),
            callback=AsyncCallback(deadline_missed),
        )
    }


def build_dag():
    import pendulum

    try:
        from airflow.providers.standard.operators.python import PythonOperator
        from airflow.providers.standard.sensors.python import PythonSensor
    except ImportError:
        from airflow.operators.python import PythonOperator
        from airflow.sensors.python import PythonSensor
    try:
        from airflow.sdk import DAG
    except ImportError:
        from airflow import DAG

    default_args = {
        "owner": "databridge",
        "retries": RETRIES,
        "retry_delay": timedelta(minutes=RETRY_DELAY_MINUTES),
        "retry_exponential_backoff": RETRY_EXPONENTIAL_BACKOFF,
        "max_retry_delay": timedelta(minutes=MAX_RETRY_DELAY_MINUTES),
    }
    extra = _deadline_or_sla(default_args)
    dag = DAG(
        dag_id=DAG_ID,
        description=DAG_DESCRIPTION,
        schedule=SCHEDULE,
        start_date=pendulum.datetime(2024, 1, 1, tz=TIMEZONE),
        catchup=CATCHUP,
        max_active_runs=MAX_ACTIVE_RUNS,
        default_args=default_args,
        tags=["databridge"],
        **extra,
    )
    with dag:
        tasks = {
            START_TASK_ID: PythonOperator(
                task_id=START_TASK_ID,
                python_callable=_start,
                op_kwargs={"logical_date": "{{ logical_date }}"},
                doc_md="Starts the DataBridge execution for the logical date.",
            )
        }
        for stage_id in STAGE_TASK_IDS:
            tasks[stage_id] = PythonSensor(
                task_id=stage_id,
                python_callable=_poke,
                op_kwargs={"stage_id": stage_id},
                mode="reschedule",
                poke_interval=POKE_INTERVAL_SECONDS,
                doc_md=TASK_DOCS[stage_id],
            )
        for task_id, upstream_ids in UPSTREAM.items():
            for upstream_id in upstream_ids:
                tasks[upstream_id] >> tasks[task_id]
    return dag


if importlib.util.find_spec("airflow") is not None:
    dag = build_dag()
`;

export const AIRFLOW_PYTHON = { imports, body } as const;
