"""Courier-side operations: serviceability, AWB, pickup, label, manifest, cancel (§3-§6, §9).

Results are flattened out of Shiprocket's envelopes (`response.data`, `data.available_...`)
so callers read `assignment.awb_code`, not `body["response"]["data"]["awb_code"]`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import AliasChoices, Field

from fulfil.shiprocket.schemas_common import (
    Code,
    IstDateTime,
    LooseBool,
    LooseDecimal,
    LooseFloat,
    LooseInt,
    LooseStr,
    Measure,
    Money,
    Pincode,
    RequestModel,
    WireModel,
)


class ServiceabilityQuery(RequestModel):
    """Query of `GET courier/serviceability/` for a route, weight and payment mode."""

    pickup_postcode: Pincode
    delivery_postcode: Pincode
    weight_kg: Measure = Field(gt=0)
    cod: bool
    length_cm: Measure | None = Field(None, gt=0)
    breadth_cm: Measure | None = Field(None, gt=0)
    height_cm: Measure | None = Field(None, gt=0)
    declared_value: Money | None = None
    mode: Literal["Surface", "Air"] | None = None

    def to_params(self) -> dict[str, str]:
        """Query parameters with Shiprocket's names (`cod` as 1/0, weight in kg)."""
        params = {
            "pickup_postcode": str(self.pickup_postcode),
            "delivery_postcode": str(self.delivery_postcode),
            "weight": _plain(self.weight_kg),
            "cod": "1" if self.cod else "0",
        }
        optional = {
            "length": self.length_cm,
            "breadth": self.breadth_cm,
            "height": self.height_cm,
            "declared_value": self.declared_value,
        }
        params.update({k: _plain(v) for k, v in optional.items() if v is not None})
        if self.mode is not None:
            params["mode"] = self.mode
        return params


def _plain(value: Decimal) -> str:
    """`Decimal("0.50")` -> "0.5", `Decimal("2")` -> "2" (no exponent notation)."""
    text = format(value.normalize(), "f")
    return text


class CourierOption(WireModel):
    """One of `data.available_courier_companies` (its own `id` is a rate row: not kept)."""

    courier_company_id: int
    courier_name: str
    rate: LooseDecimal = None
    freight_charge: LooseDecimal = None
    cod_charges: LooseDecimal = None
    rto_charges: LooseDecimal = None
    etd: LooseStr = None
    etd_hours: LooseInt = None
    estimated_delivery_days: LooseInt = None
    rating: LooseFloat = None
    cod: LooseBool = None
    is_surface: LooseBool = None
    min_weight: LooseDecimal = None
    charge_weight: LooseDecimal = None
    zone: LooseStr = None
    blocked: LooseBool = None

    @property
    def supports_cod(self) -> bool:
        return bool(self.cod)


class ServiceabilityResult(WireModel):
    """The couriers that serve a route, and Shiprocket's recommendation (may be absent)."""

    couriers: list[CourierOption] = Field(default_factory=list)
    recommended_courier_company_id: LooseInt = None
    shiprocket_recommended_courier_id: LooseInt = None

    def courier(self, courier_company_id: int) -> CourierOption | None:
        return next((c for c in self.couriers if c.courier_company_id == courier_company_id), None)

    @property
    def recommended(self) -> CourierOption | None:
        for candidate in (
            self.recommended_courier_company_id,
            self.shiprocket_recommended_courier_id,
        ):
            found = self.courier(candidate) if candidate is not None else None
            if found is not None:
                return found
        return None


class AwbAssignment(WireModel):
    """`response.data` of a successful `courier/assign/awb` (billing happens here)."""

    awb_code: Code
    courier_company_id: LooseInt = None
    courier_name: LooseStr = None
    applied_weight: LooseDecimal = None
    pickup_scheduled_date: IstDateTime = None
    shipment_id: LooseInt = None
    sr_order_id: LooseInt = Field(None, validation_alias=AliasChoices("order_id", "sr_order_id"))
    assigned_at: IstDateTime = Field(
        None, validation_alias=AliasChoices("assigned_date_time", "assigned_at")
    )
    routing_code: LooseStr = None


class PickupResult(WireModel):
    """`response` of a successful `courier/generate/pickup`."""

    pickup_scheduled_date: IstDateTime = None
    pickup_token_number: LooseStr = None
    status: LooseInt = None
    message: LooseStr = Field(None, validation_alias=AliasChoices("data", "message"))
    pickup_generated_at: IstDateTime = Field(
        None, validation_alias=AliasChoices("pickup_generated_date", "pickup_generated_at")
    )


class LabelResult(WireModel):
    """A created label PDF; `not_created` lists shipment ids Shiprocket skipped."""

    label_url: str = Field(min_length=1)
    message: LooseStr = Field(None, validation_alias=AliasChoices("response", "message"))
    not_created: list[int | str] = Field(default_factory=list)


class ManifestResult(WireModel):
    """A manifest, or the idempotent "already generated" answer (then `manifest_url` may be
    None: fetch it with `manifests/print` if needed)."""

    manifest_url: LooseStr = None
    already_generated: bool = False
    already_manifested_shipment_ids: list[int] = Field(default_factory=list)
    message: LooseStr = None


class CancelResult(WireModel):
    """Accepted cancellation (204, or 200/202 with an informational message)."""

    status_code: int
    message: LooseStr = None
