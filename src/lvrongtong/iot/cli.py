"""``lvrongtong iot …``: run the MQTT ingester against the configured broker; register devices; roll up."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

iot_app = typer.Typer(help="Devices and meters over HTTP and MQTT. 计量设备。", no_args_is_help=True)


def _cli():
    from lvrongtong import cli

    return cli


@iot_app.command("ingest")
def ingest_cmd(mqtt: Annotated[bool, typer.Option("--mqtt", help="subscribe to the configured MQTT broker")] = False,
               host: Annotated[str | None, typer.Option(help="broker host (default: setting mqtt_host)")] = None,
               port: Annotated[int | None, typer.Option(help="broker port (default: setting mqtt_port)")] = None,
               prefix: Annotated[str | None, typer.Option(help="topic prefix (default: mqtt_topic_prefix)")] = None,
               client_id: Annotated[str | None, typer.Option(help="MQTT client id (default: mqtt_client_id)")] = None,
               seconds: Annotated[float | None, typer.Option(help="stop after this many seconds")] = None,
               data_dir: Annotated[Path | None, typer.Option("--data-dir")] = None,
               database_url: Annotated[str | None, typer.Option("--database-url")] = None):
    """Run the MQTT ingester until interrupted (QoS 1; acknowledged only after the commit)."""
    from lvrongtong.iot.mqtt import Ingester

    cli = _cli()
    if not mqtt:
        cli.err.print("HTTP ingestion runs inside `lvrongtong serve` (POST /api/v1/iot/readings); "
                      "use --mqtt to run the MQTT ingester.")
        raise typer.Exit(2)
    rt = cli._runtime(data_dir, database_url)
    s = rt.settings
    if not (s.mqtt_enabled or host):
        cli.err.print("MQTT is off (setting mqtt_enabled=false); set LVRONGTONG_MQTT_ENABLED=true or pass --host.")
        raise typer.Exit(2)
    ingester = Ingester(rt, host=host or s.mqtt_host, port=port or s.mqtt_port, prefix=prefix or s.mqtt_topic_prefix,
                        client_id=client_id or s.mqtt_client_id, username=s.mqtt_username, password=s.mqtt_password)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    cli.console.print(f"ingesting from mqtt://{host or s.mqtt_host}:{port or s.mqtt_port} "
                      f"topic {prefix or s.mqtt_topic_prefix}/+/+/readings", soft_wrap=True)
    stats = ingester.run(stop, seconds)
    cli._echo_json({"messages": stats.messages, "batches": stats.batches, **stats.result.as_dict()})


@iot_app.command("register")
def register(uscc: Annotated[str, typer.Argument()], suffix: Annotated[str, typer.Argument()],
             quantity: Annotated[str, typer.Option(help="electricity / natural_gas / diesel / heat")] = "electricity",
             site: Annotated[str, typer.Option()] = "",
             data_dir: Annotated[Path | None, typer.Option("--data-dir")] = None,
             database_url: Annotated[str | None, typer.Option("--database-url")] = None):
    """Register a device and print its identifier and secret key (shown once)."""
    from lvrongtong.iot import service
    from lvrongtong.kit.principal import CLI

    cli = _cli()
    with cli._reported(cli._runtime(data_dir, database_url)) as session:
        device, secret = service.register_device(session, CLI, uscc, suffix, quantity, site=site)
        cli._echo_json({"identifier": device.identifier, "unit": device.unit, "key": secret})
