//! The browser's `Intl.NumberFormat` and `Intl.PluralRules`, made through `Reflect` so a
//! tag the browser refuses (it throws a `RangeError`) falls back to its own default
//! instead of trapping the wasm. Off the browser (native unit tests) English rules stand in.

/// One formatter: a number format (plain with fixed decimals, or a narrow unit) or the
/// plural rules.
pub struct Format {
    #[cfg(target_arch = "wasm32")]
    object: Option<wasm_bindgen::JsValue>,
    #[cfg(not(target_arch = "wasm32"))]
    what: &'static str,
}

/// `lang` as far as it can be a language tag: letters, digits and `-` (`pt_BR` → `pt-BR`),
/// at most 35 characters; anything else is dropped.
pub fn clean_tag(lang: &str) -> String {
    let tag: String = lang
        .trim()
        .chars()
        .map(|c| if c == '_' { '-' } else { c })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(35)
        .collect();
    tag.trim_matches('-').to_owned()
}

#[cfg(target_arch = "wasm32")]
impl Format {
    /// `what`: `plural`, `n0`/`n1`/`n2` (decimals), or a unit (`day` … `second`).
    pub fn new(lang: &str, what: &'static str) -> Self {
        use js_sys::{Array, Object, Reflect};
        use wasm_bindgen::JsValue;
        let options = Object::new();
        let set = |key: &str, value: JsValue| {
            let _ = Reflect::set(&options, &key.into(), &value);
        };
        let class = match what {
            "plural" => "PluralRules",
            "n0" | "n1" | "n2" => {
                let digits = JsValue::from_f64(f64::from(what.as_bytes()[1] - b'0'));
                set("minimumFractionDigits", digits.clone());
                set("maximumFractionDigits", digits);
                "NumberFormat"
            }
            unit => {
                set("style", "unit".into());
                set("unit", unit.into());
                set("unitDisplay", "narrow".into());
                "NumberFormat"
            }
        };
        let make = |locales: Array| {
            let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
            let class = Reflect::get(&intl, &class.into()).ok()?;
            let class = wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(class).ok()?;
            let args = Array::of2(&locales, &options);
            Reflect::construct(&class, &args).ok()
        };
        let object = if lang.is_empty() {
            None
        } else {
            make(Array::of1(&lang.into()))
        }
        .or_else(|| make(Array::new()));
        Self { object }
    }

    fn call(&self, method: &str, n: f64) -> Option<String> {
        use js_sys::Reflect;
        let object = self.object.as_ref()?;
        let method = Reflect::get(object, &method.into()).ok()?;
        let method = wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(method).ok()?;
        method
            .call1(object, &wasm_bindgen::JsValue::from_f64(n))
            .ok()?
            .as_string()
    }

    pub fn number(&self, n: f64) -> String {
        self.call("format", n)
            .unwrap_or_else(|| crate::components::fixed(n, 2))
    }

    pub fn plural(&self, n: f64) -> String {
        self.call("select", n).unwrap_or_else(|| "other".into())
    }
}

/// English stand-ins for native unit tests.
#[cfg(not(target_arch = "wasm32"))]
impl Format {
    pub fn new(_lang: &str, what: &'static str) -> Self {
        Self { what }
    }

    pub fn number(&self, n: f64) -> String {
        let unit = match self.what {
            "day" => "d",
            "hour" => "h",
            "minute" => "m",
            "second" => "s",
            _ => "",
        };
        let decimals = match self.what {
            "n1" => 1,
            "n2" => 2,
            _ => 0,
        };
        [crate::components::fixed(n, decimals), unit.into()].concat()
    }

    pub fn plural(&self, n: f64) -> String {
        if n == 1.0 { "one" } else { "other" }.into()
    }
}
