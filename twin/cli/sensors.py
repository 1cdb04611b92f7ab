"""``twin sensors maintain|mqtt-bridge``: the SensorThings store's own jobs.

``maintain`` applies each Datastream's retention and downsampling (declared in its
``properties``, see `gis.sensors.maintain`); run it daily from cron or a timer.
``mqtt-bridge`` stores the observations clients publish on the broker
(``v1.1/Datastreams(id)/Observations``) and announces them; it runs until interrupted.
"""

from __future__ import annotations

import threading
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from gis.sensors.maintain import maintain as apply_rules
from gis.sensors.mqtt import Bridge
from twin.cli.common import console, domain_errors, engine_for, err_console, settings

app = typer.Typer(help="SensorThings store jobs: retention, downsampling, MQTT bridge.",
                  no_args_is_help=True)


@app.command()
@domain_errors
def maintain() -> None:
    """Apply every Datastream's retention and downsampling rules."""
    config = settings()
    with engine_for(config) as engine, Progress(
            TextColumn("[bold]datastreams"), BarColumn(), MofNCompleteColumn(),
            console=err_console, transient=True) as bar:
        task = bar.add_task("datastreams", total=None)
        results = apply_rules(engine, progress=lambda done, total: bar.update(
            task, completed=done, total=total))
    table = Table(title="Observations maintained")
    for column in ("datastream", "downsampled", "deleted"):
        table.add_column(column)
    for result in results:
        table.add_row(str(result.datastream_id), str(result.downsampled), str(result.deleted))
    console.print(table)


@app.command("mqtt-bridge")
@domain_errors
def mqtt_bridge(
    host: Annotated[str | None, typer.Option(help="broker host (default TWIN_MQTT_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="broker port (default TWIN_MQTT_PORT)")] = None,
) -> None:
    """Store observations published on the MQTT broker until interrupted."""
    config = settings()
    broker = host or config.mqtt_host
    if not broker:
        raise typer.BadParameter("give --host or set TWIN_MQTT_HOST")
    with engine_for(config) as engine:
        bridge = Bridge(engine, broker, port or config.mqtt_port,
                        f"{config.base_url}/sta/v1.1")
        bridge.start()
        console.print(f"bridging mqtt://{broker}:{port or config.mqtt_port} (Ctrl-C stops)")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            bridge.stop()
