"""Prices an order: the items' prices times their quantities, plus tax."""
import os

PRICES = {"apple": 0.5, "pear": 0.75, "plum": 1.25}


def handler(event, context):
    subtotal = sum(PRICES.get(i["sku"], 1.0) * i["qty"] for i in event["items"])
    tax = round(subtotal * float(os.environ.get("TAX_RATE", "0")), 2)
    return {"subtotal": subtotal, "tax": tax, "total": round(subtotal + tax, 2)}
