"""The demo shop's planted bugs: one flag each, all on by default, all off with `--fixed`.

`PLANTED` is the table the demo's README, its tests and `pixelproof demo`'s closing note share:
for each bug, the rule that must report it, the Meta event name and the `source` of the finding
(`both` for a browser/server pair).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Defects:
    """What the shop gets wrong; browser flags reach the pages through `/config.js`."""

    pageview_before_consent: bool = False  # browser: base code runs above the consent gate
    add_to_cart_server_name: bool = False  # server: AddToCart sent as `add_to_cart`
    checkout_server_mints_id: bool = False  # server: its own InitiateCheckout event ID
    purchase_event_id_in_custom_data: bool = False  # browser: eventID in the 3rd argument
    purchase_server_value_without_currency: bool = False  # server: value, no currency
    purchase_server_raw_email: bool = False  # server: `em` not hashed

    def browser_flags(self) -> dict[str, bool]:
        """The flags the pages read (`shop.defects`)."""
        return {
            "pageview_before_consent": self.pageview_before_consent,
            "purchase_event_id_in_custom_data": self.purchase_event_id_in_custom_data,
        }

    def any(self) -> bool:
        return any(asdict(self).values())


BROKEN = Defects(
    pageview_before_consent=True,
    add_to_cart_server_name=True,
    checkout_server_mints_id=True,
    purchase_event_id_in_custom_data=True,
    purchase_server_value_without_currency=True,
    purchase_server_raw_email=True,
)
FIXED = Defects()


@dataclass(frozen=True, slots=True)
class Planted:
    """One planted bug and what pixelproof must say about it."""

    flag: str
    code: str
    event: str
    source: str
    what: str


PLANTED: tuple[Planted, ...] = (
    Planted(
        "pageview_before_consent",
        "PR004",
        "PageView",
        "browser",
        "the Pixel base code sits above the consent gate: PageView is sent before the visitor "
        "answers the banner, and after a rejection",
    ),
    Planted(
        "add_to_cart_server_name",
        "EV003",
        "AddToCart",
        "both",
        "the backend reports AddToCart as `add_to_cart` (a GA4 name): same event ID, different "
        "name, so Meta counts two actions",
    ),
    Planted(
        "checkout_server_mints_id",
        "DD002",
        "InitiateCheckout",
        "both",
        "the backend mints its own InitiateCheckout event ID instead of the page's",
    ),
    Planted(
        "purchase_event_id_in_custom_data",
        "DD005",
        "Purchase",
        "browser",
        "the thank-you page passes {eventID} in the 3rd argument of fbq('track') (custom data) "
        "instead of the 4th: the browser Purchase has no event ID",
    ),
    Planted(
        "purchase_server_value_without_currency",
        "PA004",
        "Purchase",
        "server",
        "the server Purchase carries value without currency: Meta cannot count the revenue",
    ),
    Planted(
        "purchase_server_raw_email",
        "PR001",
        "Purchase",
        "server",
        "the server Purchase sends the customer's email unhashed in user_data.em",
    ),
)
