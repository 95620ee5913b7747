"""Per-endpoint validation rules (fact sheet §2 and §4), pure functions over request data."""

from __future__ import annotations

from typing import Any

from fulfil.simulator.validation import Bag, is_blank, is_boolean, is_date, truthy

_SHIPPING_FIELDS = (
    "shipping_customer_name",
    "shipping_address",
    "shipping_city",
    "shipping_pincode",
    "shipping_country",
    "shipping_state",
    "shipping_phone",
)
_CONTACT_FIELDS = frozenset(
    {"billing_phone", "billing_pincode", "shipping_phone", "shipping_pincode"}
)
_OPTIONAL_INTS = ("billing_alternate_phone", "is_document")
_OPTIONAL_NUMBERS = (
    "shipping_charges",
    "giftwrap_charges",
    "transaction_charges",
    "total_discount",
    "longitude",
    "latitude",
)


def validate_create(data: dict[str, Any], *, require_contact: bool) -> Bag:
    """Rules of `POST orders/create/adhoc`; an empty bag means the payload is acceptable."""
    bag = Bag()
    if bag.required(data, "order_id"):
        bag.string(data["order_id"], "order_id", max_len=50)
    if bag.required(data, "order_date") and not is_date(data["order_date"]):
        bag.add("order_date", "The order date is not a valid date.")
    if bag.required(data, "pickup_location"):
        bag.string(data["pickup_location"], "pickup_location")
    if bag.required(data, "billing_customer_name"):
        bag.string(data["billing_customer_name"], "billing_customer_name")
    if bag.required(data, "billing_address"):
        bag.string(data["billing_address"], "billing_address", min_len=3)
    if bag.required(data, "billing_city"):
        bag.string(data["billing_city"], "billing_city", max_len=30)
    for key in ("billing_state", "billing_country"):
        if bag.required(data, key):
            bag.string(data[key], key)
    if bag.required(data, "billing_email"):
        bag.email(data["billing_email"], "billing_email")
    _contact(bag, data, "billing_pincode", require_contact, pincode=True)
    _contact(bag, data, "billing_phone", require_contact, pincode=False)
    if bag.required(data, "shipping_is_billing"):
        bag.boolean(data["shipping_is_billing"], "shipping_is_billing")
    if is_boolean(data.get("shipping_is_billing")) and not truthy(data["shipping_is_billing"]):
        _shipping(bag, data, require_contact)
    _items(bag, data.get("order_items"))
    if bag.required(data, "payment_method") and str(data["payment_method"]).lower() not in (
        "cod",
        "prepaid",
    ):
        bag.add("payment_method", "The selected payment method is invalid.")
    if bag.required(data, "sub_total"):
        bag.numeric(data["sub_total"], "sub_total")
    for key in ("length", "breadth", "height"):
        if bag.required(data, key):
            bag.numeric(data[key], key, gt=0.5)
    if bag.required(data, "weight"):
        bag.numeric(data["weight"], "weight", gt=0)
    for key in _OPTIONAL_INTS:
        if not is_blank(data.get(key)):
            bag.integer(data[key], key)
    for key in _OPTIONAL_NUMBERS:
        if not is_blank(data.get(key)):
            bag.numeric(data[key], key)
    if not is_blank(data.get("channel_id")):
        bag.integer(data["channel_id"], "channel_id")
    return bag


def _contact(
    bag: Bag, data: dict[str, Any], key: str, require_contact: bool, *, pincode: bool
) -> None:
    if is_blank(data.get(key)):
        if require_contact or key not in _CONTACT_FIELDS:
            bag.required(data, key)
        return
    if pincode:
        bag.pincode(data[key], key)
    else:
        bag.integer(data[key], key)


def _shipping(bag: Bag, data: dict[str, Any], require_contact: bool) -> None:
    for key in _SHIPPING_FIELDS:
        if key in ("shipping_pincode", "shipping_phone"):
            _contact_if(bag, data, key, require_contact)
        elif is_blank(data.get(key)):
            bag.add(
                key, f"The {key.replace('_', ' ')} field is required when shipping is billing is 0."
            )


def _contact_if(bag: Bag, data: dict[str, Any], key: str, require_contact: bool) -> None:
    if is_blank(data.get(key)):
        if require_contact:
            bag.add(
                key, f"The {key.replace('_', ' ')} field is required when shipping is billing is 0."
            )
        return
    if key == "shipping_pincode":
        bag.pincode(data[key], key)
    else:
        bag.integer(data[key], key)


def _items(bag: Bag, items: Any) -> None:
    if is_blank(items):
        bag.add("order_items", "The order items field is required.")
        return
    if not isinstance(items, list):
        bag.add("order_items", "The order items must be an array.")
        return
    for index, item in enumerate(items):
        prefix = f"order_items.{index}"
        if not isinstance(item, dict):
            bag.add(prefix, f"The {prefix.replace('_', ' ')} must be an array.")
            continue
        for key in ("name", "sku"):
            bag.required(item, key, path=f"{prefix}.{key}")
        if bag.required(item, "units", path=f"{prefix}.units"):
            bag.integer(item["units"], f"{prefix}.units")
        if bag.required(item, "selling_price", path=f"{prefix}.selling_price"):
            bag.numeric(item["selling_price"], f"{prefix}.selling_price")
        for key in ("discount", "tax"):
            if not is_blank(item.get(key)):
                bag.numeric(item[key], f"{prefix}.{key}")
        if not is_blank(item.get("hsn")):
            bag.integer(item["hsn"], f"{prefix}.hsn")


def validate_serviceability(params: dict[str, str]) -> Bag:
    """Rules of `GET courier/serviceability/` (weight and cod required without order_id)."""
    bag = Bag()
    for key in ("pickup_postcode", "delivery_postcode"):
        if bag.required(params, key):
            bag.integer(params[key], key)
    has_order = not is_blank(params.get("order_id"))
    if has_order:
        bag.integer(params["order_id"], "order_id")
        return bag
    missing_weight = is_blank(params.get("weight"))
    missing_cod = is_blank(params.get("cod"))
    if missing_weight:
        bag.add("weight", "The weight field is required when order id is not present.")
    else:
        bag.numeric(params["weight"], "weight", gt=0)
    if missing_cod:
        bag.add("cod", "The cod field is required when order id is not present.")
    elif params["cod"].strip() not in ("0", "1"):
        bag.add("cod", "The selected cod is invalid.")
    if missing_weight or missing_cod:
        bag.add("order_id", "The order id field is required when weight / cod is not present.")
    return bag
