//! The data table of the 25 store resource scopes, in control-panel order (the eight migration scopes
//! first). The request facts behind each probe are recorded in `tests/data/probe-contract.toml`.

use super::{Offered, Request, Scope};

/// The catalog: the eight migration scopes first, then the rest in control-panel order.
///
/// Each write probe's comment names its BigCommerce spec and the fields that spec marks required, which is
/// why the probe cannot change data; `tests/data/probe-contract.toml` records the same facts, checked.
pub static SCOPES: &[Scope] = &[
    Scope {
        key: "content",
        ui_name: "Content",
        param: "store_v2_content",
        param_read_only: Some("store_v2_content_read_only"),
        offered: Offered::Both,
        migration: true,
        required: true,
        read_probe: Some(Request::get("/v3/content/widgets?limit=1")),
        // widgets.v3.yml, createWidget: requires `name` and `widget_template_uuid`; `{}` has neither.
        write_probe: Some(Request::post("/v3/content/widgets", "{}")),
    },
    Scope {
        key: "customers",
        ui_name: "Customers",
        param: "store_v2_customers",
        param_read_only: Some("store_v2_customers_read_only"),
        offered: Offered::Both,
        migration: true,
        required: false,
        read_probe: Some(Request::get("/v3/customers?limit=1")),
        // customers.v3.yml, createCustomers: an array of `customer_Post`, each requiring `email`,
        // `first_name` and `last_name`; the only item of `[{}]` has none of them.
        write_probe: Some(Request::post("/v3/customers", "[{}]")),
    },
    Scope {
        key: "information",
        ui_name: "Information & Settings",
        param: "store_v2_information",
        param_read_only: Some("store_v2_information_read_only"),
        offered: Offered::Both,
        migration: true,
        required: true,
        // settings.v3.yml, getSettingsLocale: guarded by this scope, and `stencil start` needs it. Not
        // /v2/store or /v2/time: the latter answered a token with no store scopes (docs/bigcommerce.md).
        read_probe: Some(Request::get("/v3/settings/store/locale")),
        // currencies.v2.yml, createCurrency: requires `name`, `currency_code`, `currency_exchange_rate`,
        // `token_location`, `token`, `decimal_token`, `thousands_token` and `decimal_places`; `{}` has none.
        write_probe: Some(Request::post("/v2/currencies", "{}")),
    },
    Scope {
        key: "marketing",
        ui_name: "Marketing",
        param: "store_v2_marketing",
        param_read_only: Some("store_v2_marketing_read_only"),
        offered: Offered::Both,
        migration: true,
        required: true,
        read_probe: Some(Request::get("/v2/coupons/count")),
        // marketing.v2.yml, createCoupon: requires `name`, `type`, `amount`, `applies_to` and `code`;
        // `{}` has none of them.
        write_probe: Some(Request::post("/v2/coupons", "{}")),
    },
    Scope {
        key: "orders",
        ui_name: "Orders",
        param: "store_v2_orders",
        param_read_only: Some("store_v2_orders_read_only"),
        offered: Offered::Both,
        migration: true,
        required: false,
        read_probe: Some(Request::get("/v2/orders/count")),
        // orders.v2.oas2.yml: neither createOrder nor updateOrder marks any field required, so an empty
        // POST could create an order. updateOrder takes an integer `order_id`, and order ids are positive,
        // so order 0 cannot exist and the PUT can only answer 404.
        write_probe: Some(Request::put("/v2/orders/0", "{}")),
    },
    Scope {
        key: "products",
        ui_name: "Products",
        param: "store_v2_products",
        param_read_only: Some("store_v2_products_read_only"),
        offered: Offered::Both,
        migration: true,
        required: false,
        read_probe: Some(Request::get("/v3/catalog/products?limit=1")),
        // products_catalog.v3.yml, createProduct: requires `name`, `type`, `weight` and `price`; `{}` has
        // none of them.
        write_probe: Some(Request::post("/v3/catalog/products", "{}")),
    },
    Scope {
        key: "channel_settings",
        ui_name: "Channel Settings",
        param: "store_channel_settings",
        param_read_only: Some("store_channel_settings_read_only"),
        offered: Offered::Both,
        migration: true,
        required: true,
        read_probe: Some(Request::get("/v3/channels?limit=1")),
        // channels.v3.yml, createChannel: requires `name`, `type` and `platform`; `{}` has none of them.
        write_probe: Some(Request::post("/v3/channels", "{}")),
    },
    Scope {
        key: "channel_listings",
        ui_name: "Channel Listings",
        param: "store_channel_listings",
        param_read_only: Some("store_channel_listings_read_only"),
        offered: Offered::Both,
        migration: true,
        required: true,
        read_probe: Some(Request::get("/v3/channels/1/listings?limit=1")),
        // channels.v3.yml, createChannelListings: an array of `UpsertListingWithoutListingIdReq`, each
        // requiring `product_id`, `state` and `variants`; the only item of `[{}]` has none of them.
        write_probe: Some(Request::post("/v3/channels/1/listings", "[{}]")),
    },
    Scope::unprobed(
        "checkout_content",
        "Checkout Content",
        "store_content_checkout",
        Some("store_content_checkout_read_only"),
        Offered::Both,
    ),
    // The control panel's levels here are None / Login.
    Scope::unprobed(
        "customers_login",
        "Customers Login",
        "store_v2_customers_login",
        None,
        Offered::ModifyOnly,
    ),
    Scope::unprobed(
        "order_transactions",
        "Order Transactions",
        "store_v2_transactions",
        Some("store_v2_transactions_read_only"),
        Offered::Both,
    ),
    // Token-creation scope: the control panel's levels are None / Create.
    Scope::unprobed(
        "payments_create",
        "Create Payments",
        "store_payments_access_token_create",
        None,
        Offered::ModifyOnly,
    ),
    Scope::unprobed(
        "payments_methods",
        "Get Payment Methods",
        "store_payments_methods_read",
        None,
        Offered::ReadOnlyOnly,
    ),
    // customers.v3.yml documents only GET /customers/{customerId}/stored-instruments for this scope: it
    // needs an existing customer, so no request proves the scope on every store.
    Scope::unprobed(
        "stored_payment_instruments",
        "Stored Payment Instruments",
        "store_stored_payment_instruments",
        Some("store_stored_payment_instruments_read_only"),
        Offered::Both,
    ),
    Scope {
        key: "themes",
        ui_name: "Themes",
        param: "store_themes_manage",
        param_read_only: Some("store_themes_read_only"),
        offered: Offered::Both,
        migration: false,
        required: false,
        read_probe: Some(Request::get("/v3/themes")),
        // themes.v3.yml, uploadStoreTheme: a multipart/form-data upload whose object requires `file`; a JSON
        // `{}` carries no file, so there is nothing to upload. A 409 (upload limit reached, or an upload in
        // progress: stencil-cli's `postTheme`) is a refusal after the scope check, like the 400.
        write_probe: Some(Request::post("/v3/themes", "{}")),
    },
    Scope::unprobed(
        "carts",
        "Carts",
        "store_cart",
        Some("store_cart_read_only"),
        Offered::Both,
    ),
    Scope::unprobed(
        "checkouts",
        "Checkouts",
        "store_checkout",
        Some("store_checkout_read_only"),
        Offered::Both,
    ),
    Scope {
        key: "sites",
        ui_name: "Sites & Routes",
        param: "store_sites",
        param_read_only: Some("store_sites_read_only"),
        offered: Offered::Both,
        migration: false,
        required: false,
        read_probe: Some(Request::get("/v3/sites?limit=1")),
        // sites.v3.yml: createSite marks no field required, so never POST; updateSite neither. updateSiteRoute
        // requires `type`, `matching` and `route`, which `{}` lacks. (The spec does not type the ids as
        // integers, so the safety rests on the missing fields; site 0 / route 0 is belt and braces.)
        // (sites.v3.yml lists the channel scopes too; the docs' scope table puts Sites V3 under this one.)
        write_probe: Some(Request::put("/v3/sites/0/routes/0", "{}")),
    },
    // Token-creation scopes: the control panel's levels are None / Create (older docs: Manage).
    Scope::unprobed(
        "storefront_tokens",
        "Storefront API Tokens",
        "store_storefront_api",
        None,
        Offered::ModifyOnly,
    ),
    Scope::unprobed(
        "storefront_impersonation",
        "Storefront API Customer Impersonation Tokens",
        "store_storefront_api_customer_impersonation",
        None,
        Offered::ModifyOnly,
    ),
    Scope::unprobed(
        "inventory",
        "Store Inventory",
        "store_inventory",
        Some("store_inventory_read_only"),
        Offered::Both,
    ),
    Scope::unprobed(
        "locations",
        "Store Locations",
        "store_locations",
        Some("store_locations_read_only"),
        Offered::Both,
    ),
    Scope::unprobed(
        "fulfillment_methods",
        "Fulfillment Methods",
        "store_fulfillment_methods_manage",
        Some("store_fulfillment_methods_read_only"),
        Offered::Both,
    ),
    Scope::unprobed(
        "order_fulfillment",
        "Order Fulfillment",
        "store_order_fulfillment_manage",
        Some("store_order_fulfillment_read_only"),
        Offered::Both,
    ),
    Scope::unprobed(
        "translations",
        "Store Translations",
        "store_translations",
        Some("store_translations_read_only"),
        Offered::Both,
    ),
];
