"""What one caller may do with sensors, decided at the HTTP edge by `gis.access.decide`
over the registry layers Things link to (``properties.layer``), and applied by the store in
every query: a Thing of a layer the caller cannot read does not exist for them, nor do its
Datastreams, Observations, Locations and HistoricalLocations."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    #: layers whose Things the caller may read (None: every layer, staff)
    readable: frozenset[str] | None
    #: layers whose Things the caller may write (None: every layer)
    writable: frozenset[str] | None
    #: may create and change entities tied to no layer (open Things, sensors, properties)
    write_unlinked: bool

    def may_read(self, layer_id: str | None) -> bool:
        return layer_id is None or self.readable is None or layer_id in self.readable

    def may_write(self, layer_id: str | None) -> bool:
        if layer_id is None:
            return self.write_unlinked
        return self.writable is None or layer_id in self.writable


#: the store's own jobs (MQTT bridge, maintenance): everything
SYSTEM = Scope(None, None, True)
