"""TagResource, UntagResource, ListTagsForResource: tags of state machines and activities."""
from __future__ import annotations

from typing import Any

from workflow.api.errors import ApiError, not_found
from workflow.api.stepfunctions.common import action

MAX_TAGS = 50


def tag_dict(tags: list[dict[str, str]], arn: str,
             current: dict[str, str] | None = None) -> dict[str, str]:
    merged = dict(current or {})
    for tag in tags:
        merged[tag["key"]] = tag.get("value", "")
    if len(merged) > MAX_TAGS:
        raise ApiError("TooManyTags", f"Too many tags: a resource may have at most {MAX_TAGS}",
                       resourceName=arn)
    return merged


def _taggable(api: Any, arn: str) -> Any:
    record = api.store.get_state_machine(arn)
    if record is None or record.kind not in ("machine", "activity"):
        raise not_found(arn)
    return record


@action("TagResource")
def tag_resource(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    with api.lock:
        record = _taggable(api, body["resourceArn"])
        record.tags = tag_dict(body["tags"], record.arn, record.tags)
        api.store.put_state_machine(record)
    return {}


@action("UntagResource")
def untag_resource(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    with api.lock:
        record = _taggable(api, body["resourceArn"])
        record.tags = {k: v for k, v in record.tags.items() if k not in body["tagKeys"]}
        api.store.put_state_machine(record)
    return {}


@action("ListTagsForResource")
def list_tags_for_resource(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    record = _taggable(api, body["resourceArn"])
    return {"tags": [{"key": k, "value": v} for k, v in record.tags.items()]}
