"""Checks an order: it needs an id and at least one item with a positive quantity."""


class InvalidOrder(Exception):
    """The order cannot be taken."""


def handler(event, context):
    items = event.get("items") or []
    if not event.get("id") or not items:
        raise InvalidOrder("an order needs an id and items")
    for item in items:
        if item.get("qty", 0) <= 0:
            raise InvalidOrder("item %s has no quantity" % item.get("sku"))
    print("order %s is valid (%s)" % (event["id"], context.function_name))
    return {**event, "valid": True}
