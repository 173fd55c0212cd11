"""Grouping of JS errors: stacks as Chromium and Firefox/Safari print them, normalised
messages and the fingerprint that joins occurrences of one bug and splits different ones."""

from __future__ import annotations

from vitalscope.jserrors.grouping import frame_file, group
from vitalscope.jserrors.message import normalise_message
from vitalscope.jserrors.stack import Frame, parse_stack

# Chromium 131, a click handler in a webpack bundle calling into a vendor chunk.
CHROMIUM = """TypeError: Cannot read properties of undefined (reading 'price')
    at computeTotal (https://shop.example/static/js/main.3f9a2c1b.js:2:18345)
    at async checkout (https://shop.example/static/js/main.3f9a2c1b.js:2:19001)
    at HTMLButtonElement.<anonymous> (https://shop.example/static/js/main.3f9a2c1b.js:2:20410)
    at new Promise (<anonymous>)
    at https://cdn.example/vendor-5XQHG7NL.js:1:77
    at eval (eval at run (https://shop.example/static/js/main.3f9a2c1b.js:2:100), <anonymous>:1:1)
    at chrome-extension://abcdefgh/inject.js:10:5"""
# The same error in Firefox 133 (closures marked `/<`) and Safari 18 (`global code`).
FIREFOX = """computeTotal@https://shop.example/static/js/main.77aa01ff.js:2:18340
checkout@https://shop.example/static/js/main.77aa01ff.js:2:18990
onClick/<@https://shop.example/static/js/main.77aa01ff.js:2:20400
@moz-extension://1234/content.js:1:1"""
SAFARI = """computeTotal@https://shop.example/static/js/main.3f9a2c1b.js:2:18345
checkout@https://shop.example/static/js/main.3f9a2c1b.js:2:19001
global code@https://shop.example/static/js/main.3f9a2c1b.js:3:1
[native code]"""


def test_chromium_frames_are_parsed_innermost_first() -> None:
    frames = parse_stack(CHROMIUM)
    assert frames[:3] == [
        Frame("computeTotal", "https://shop.example/static/js/main.3f9a2c1b.js", 2, 18345),
        Frame("checkout", "https://shop.example/static/js/main.3f9a2c1b.js", 2, 19001),
        Frame("HTMLButtonElement.<anonymous>",
              "https://shop.example/static/js/main.3f9a2c1b.js", 2, 20410),
    ]
    # `at new Promise (<anonymous>)` and the eval frame name no file; the URL-only frame
    # has no function; the extension's frame is parsed but not in-app.
    assert frames[3] == Frame("", "https://cdn.example/vendor-5XQHG7NL.js", 1, 77)
    assert [f.in_app for f in frames] == [True, True, True, True, False]


def test_firefox_and_safari_frames_are_parsed() -> None:
    assert [(f.function, f.line, f.column, f.in_app) for f in parse_stack(FIREFOX)] == [
        ("computeTotal", 2, 18340, True), ("checkout", 2, 18990, True),
        ("onClick", 2, 20400, True), ("", 1, 1, False)]
    assert [(f.function, f.line) for f in parse_stack(SAFARI)] == [
        ("computeTotal", 2), ("checkout", 2), ("", 3)]


def test_messages_lose_numbers_ids_quoted_values_and_urls() -> None:
    assert normalise_message(
        "Uncaught TypeError: Order 4711 (id 3f2b9c1e-8d7a-4b6c-9e5f-0a1b2c3d4e5f) failed at "
        "https://api.shop.example/orders/4711?x=1 with 'Bad Gateway' after 1.5s, "
        "token 0x1f or deadbeef42") == (
        "Order <n> (id <uuid>) failed at <url> with <str> after <n>s, token <hex> or <hex>")
    assert normalise_message("Cannot read properties of undefined (reading 'price')") == (
        "Cannot read properties of undefined (reading <str>)")
    assert normalise_message("  a\n\tb  ") == "a b"


def test_file_names_lose_host_query_and_content_hash() -> None:
    assert frame_file("https://shop.example/static/js/main.3f9a2c1b.js?v=3#x") == (
        "/static/js/main.js")
    assert frame_file("https://cdn.example/assets/index-BxT3g9aQ.js") == "/assets/index.js"
    assert frame_file("https://cdn.example/jquery-3.6.0.min.js") == "/jquery-3.6.0.min.js"


def test_one_bug_is_one_group_across_deploys_values_and_stack_formats() -> None:
    message = "Cannot read properties of undefined (reading 'price')"
    chromium = group("TypeError", message, CHROMIUM, "")
    # A new deploy (another content hash, other columns) and another property name.
    redeployed = group("TypeError", "Cannot read properties of undefined (reading 'qty')",
                       CHROMIUM.replace("3f9a2c1b", "9e8d7c6b").replace(":2:", ":3:"), "")
    safari = group("TypeError", message, SAFARI, "")
    assert chromium == redeployed
    # Browsers name outer frames differently (`HTMLButtonElement.<anonymous>`, `global code`):
    # the top frame agrees, the group may not (docs/errors.md).
    assert chromium.top_frame == safari.top_frame
    trimmed = SAFARI.replace("global code@", "HTMLButtonElement.<anonymous>@")
    assert group("TypeError", message, trimmed, "").fingerprint == chromium.fingerprint
    assert chromium.message == "Cannot read properties of undefined (reading <str>)"
    assert chromium.top_frame == "computeTotal (/static/js/main.js)"
    assert 0 <= chromium.fingerprint < 2**64


def test_different_places_types_or_messages_are_different_groups() -> None:
    base = group("TypeError", "x is undefined", CHROMIUM, "")
    elsewhere = group("TypeError", "x is undefined",
                      CHROMIUM.replace("computeTotal", "renderCart"), "")
    other_type = group("RangeError", "x is undefined", CHROMIUM, "")
    other_message = group("TypeError", "y is undefined", CHROMIUM, "")
    assert len({base.fingerprint, elsewhere.fingerprint, other_type.fingerprint,
                other_message.fingerprint}) == 4


def test_minified_names_do_not_split_groups_and_no_stack_falls_back_to_the_source() -> None:
    one = "TypeError: x\n    at o (https://s.example/app.js:1:67)\n    at e (https://s.example/app.js:1:18)"
    two = "TypeError: x\n    at Qt (https://s.example/app.js:1:99)\n    at r (https://s.example/app.js:1:10)"
    assert group("TypeError", "x", one, "") == group("TypeError", "x", two, "")
    assert group("TypeError", "x", one, "").top_frame == "/app.js"
    # A cross-origin "Script error." has no stack: the source file, without position.
    a = group("Error", "Script error.", "", "https://s.example/app.js:10:5")
    b = group("Error", "Script error.", "", "https://s.example/app.js:88:1")
    assert a == b and a.top_frame == "/app.js"
    assert group("Error", "Script error.", "", "").top_frame == ""


def test_failed_resource_loads_group_by_element_host_and_path() -> None:
    """What the SDK sends for a failed <img>/<script>/<link>: type `resource`, the element as
    message, the URL as source (query kept only when the site keeps it)."""
    hero = group("resource", "img", "", "https://cdn.example/img/hero.png")
    assert hero.top_frame == "cdn.example/img/hero.png"
    assert hero.message == "img"
    # Query, fragment and a content hash do not make another group.
    for same in ("https://cdn.example/img/hero.png?w=640", "https://cdn.example/img/hero.png#x",
                 "https://cdn.example/img/hero.3f9a2c1b.png", "https://CDN.example/img/hero.png"):
        assert group("resource", "img", "", same).fingerprint == hero.fingerprint, same
    # Another element, file, host or a script error naming the same file do.
    others = [group("resource", "script", "", "https://cdn.example/img/hero.png"),
              group("resource", "img", "", "https://cdn.example/img/logo.png"),
              group("resource", "img", "", "https://ads.example/img/hero.png"),
              group("Error", "img", "", "https://cdn.example/img/hero.png")]
    assert len({hero.fingerprint, *(g.fingerprint for g in others)}) == 5
    assert group("resource", "link", "", "").top_frame == ""
