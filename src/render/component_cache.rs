//! `component_cached(name="…", …)`: a template function that renders a
//! component once per build for each distinct set of arguments and hands
//! the same HTML to every later call with those arguments, like Hugo's
//! `partialCached`. Unlike `partialCached` there is no key to choose: the
//! key is the arguments themselves, so the output is always exactly what
//! calling the component directly gives.
//!
//! With `each=LIST, as="NAME"` it renders the component once per item of
//! the list, the item given as argument `NAME`, and joins the results: a
//! `for` loop around the component, run in Rust, where an item rendered
//! before costs one lookup instead of a pass through the template engine.
//!
//! Why: an event is listed on the pages of its networks, its partners, its
//! project and the events archive. Rendering its list item once instead of
//! on each of those pages is a large share of a big site's build time.
//!
//! Texts, numbers, booleans and empty values are keyed by value. Maps are
//! keyed only when they are one of this build's cards or one of the values
//! every page shares (`t`, the labels, and `site`): those stay unchanged
//! for the whole build and are shared by every page, so their identity
//! stands for their content. Any other list or map among the arguments makes the
//! call render afresh, as a direct call would.
//!
//! Page rendering is synchronous on one thread, so the theme and cache of
//! the page being rendered reach the function through a thread-local
//! scope ([`with_scope`]) rather than through the template context, which
//! components do not see.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tera::{ArgFromValue, Kwargs, State, TeraResult, Value};

/// The name templates call the function by.
pub const FUNCTION: &str = "component_cached";

/// Rendered components of one build.
pub struct ComponentCache {
    /// Address of each card's map and the card's index, ordered by
    /// address (looked up for every item of every call).
    cards: Vec<(usize, u32)>,
    /// Addresses of the maps every page shares (`t`, `site`), in order.
    shared: Vec<usize>,
    /// The cards and shared values themselves: while the cache holds
    /// them, no other map can be allocated at one of their addresses.
    _held: Vec<Value>,
    /// Each distinct set of arguments (component name and the arguments
    /// other than the item) → a number.
    calls: Mutex<HashMap<Vec<u8>, u32>>,
    /// By call number: what it rendered, as the text value the function
    /// returns (shared by every page that makes the call, not copied).
    done: Mutex<Vec<Done>>,
}

/// What one call rendered: as a whole (without `each`), and for each card
/// (by index) given as the item.
#[derive(Default)]
struct Done {
    whole: Option<Value>,
    items: Vec<Option<Value>>,
}

/// The item of a call: none (the whole call) or a card's index.
type Item = Option<u32>;

impl ComponentCache {
    /// A cache for a build whose cards are `cards` and whose pages all
    /// share the values `shared` (`t` and `site`).
    pub fn new<'v>(cards: &[Value], shared: impl IntoIterator<Item = &'v Value>) -> ComponentCache {
        let shared: Vec<&Value> = shared.into_iter().collect();
        let mut by_address: Vec<(usize, u32)> = cards
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Some((address(c)?, u32::try_from(i).ok()?)))
            .collect();
        by_address.sort_unstable();
        ComponentCache {
            cards: by_address,
            shared: shared.iter().filter_map(|v| address(v)).collect(),
            _held: cards.iter().chain(shared).cloned().collect(),
            calls: Mutex::default(),
            done: Mutex::default(),
        }
    }

    /// How many components were rendered and kept (for tests).
    pub fn len(&self) -> usize {
        lock(&self.done)
            .iter()
            .map(|d| usize::from(d.whole.is_some()) + d.items.iter().flatten().count())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of a call's arguments (all but `each` and the item), or
    /// `None` when one of them cannot be keyed.
    fn call_number<'a>(
        &self,
        name: &str,
        args: impl Iterator<Item = (&'a str, &'a Value)>,
    ) -> Option<u32> {
        let mut key = Vec::with_capacity(64);
        push_text(&mut key, name);
        for (k, v) in args {
            push_text(&mut key, k);
            self.push_value(&mut key, v)?;
        }
        let mut calls = lock(&self.calls);
        let next = u32::try_from(calls.len()).ok()?;
        Some(*calls.entry(key).or_insert(next))
    }

    fn push_value(&self, key: &mut Vec<u8>, v: &Value) -> Option<()> {
        if let Some(at) = address(v) {
            if let Some(n) = self.shared.iter().position(|&s| s == at) {
                key.push(b'T');
                key.extend_from_slice(&n.to_le_bytes());
            } else {
                key.push(b'C');
                key.extend_from_slice(&self.card_at(at)?.to_le_bytes());
            }
        } else if let Some(s) = v.as_str() {
            // A safe text is written unescaped: it renders differently.
            key.push(if v.is_safe() { b'H' } else { b'S' });
            push_text(key, s);
        } else if let Some(b) = v.as_bool() {
            key.extend_from_slice(if b { b"B1" } else { b"B0" });
        } else if let Some(n) = v.as_number() {
            match n {
                tera::Number::Integer(i) => {
                    key.push(b'I');
                    key.extend_from_slice(&i.to_le_bytes());
                }
                tera::Number::Float(f) => {
                    key.push(b'F');
                    key.extend_from_slice(&f.to_bits().to_le_bytes());
                }
                _ => return None,
            }
        } else if v.is_none() {
            key.push(b'N');
        } else if v.is_undefined() {
            key.push(b'U');
        } else {
            return None;
        }
        Some(())
    }

    /// The index of the card whose map is at `at`, if there is one.
    fn card_at(&self, at: usize) -> Option<u32> {
        let i = self.cards.binary_search_by_key(&at, |&(a, _)| a).ok()?;
        Some(self.cards[i].1)
    }

    /// The index of the card `v` is, if it is one.
    fn card(&self, v: &Value) -> Option<u32> {
        self.card_at(address(v)?)
    }

    fn get(&self, call: u32, item: Item) -> Option<Value> {
        let done = lock(&self.done);
        let d = done.get(call as usize)?;
        match item {
            None => d.whole.clone(),
            Some(i) => d.items.get(i as usize)?.clone(),
        }
    }

    fn put(&self, call: u32, item: Item, html: Value) {
        let mut done = lock(&self.done);
        if done.len() <= call as usize {
            done.resize_with(call as usize + 1, Done::default);
        }
        let d = &mut done[call as usize];
        match item {
            None => d.whole = Some(html),
            Some(i) => {
                if d.items.len() <= i as usize {
                    d.items.resize(i as usize + 1, None);
                }
                d.items[i as usize] = Some(html);
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Where a map value's map lives: the same for every copy of the value.
fn address(v: &Value) -> Option<usize> {
    v.as_map().map(|m| m as *const tera::Map as usize)
}

/// A text with its length first, so that no two sequences of texts give
/// the same bytes.
fn push_text(key: &mut Vec<u8>, s: &str) {
    key.extend_from_slice(&(s.len() as u64).to_le_bytes());
    key.extend_from_slice(s.as_bytes());
}

#[derive(Clone)]
struct Scope {
    tera: Arc<tera::Tera>,
    cache: Option<Arc<ComponentCache>>,
}

thread_local! {
    static SCOPES: RefCell<Vec<Scope>> = const { RefCell::new(Vec::new()) };
    /// The first error inside a cached component during this page's
    /// render: Tera passes a function's error on as text only, and the
    /// diagnostic should point into the component, not at the call.
    static FAILED: RefCell<Option<tera::Error>> = const { RefCell::new(None) };
}

/// The error [`function`] met inside a component during the last
/// [`with_scope`] on this thread, if any.
pub fn take_failure() -> Option<tera::Error> {
    FAILED.with(|f| f.borrow_mut().take())
}

/// Runs `f` (which renders a page with `tera`) with `tera` and `cache`
/// available to [`function`] on this thread.
pub fn with_scope<R>(
    tera: &Arc<tera::Tera>,
    cache: Option<&Arc<ComponentCache>>,
    f: impl FnOnce() -> R,
) -> R {
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            SCOPES.with(|s| s.borrow_mut().pop());
        }
    }
    FAILED.with(|f| f.borrow_mut().take());
    SCOPES.with(|s| {
        s.borrow_mut().push(Scope {
            tera: Arc::clone(tera),
            cache: cache.cloned(),
        })
    });
    let _pop = Pop;
    f()
}

/// The template function: renders component `name` with the other
/// arguments (once per item of `each`, given as argument `as`), reusing
/// what earlier calls with the same arguments rendered.
pub fn function(kwargs: Kwargs, state: &State) -> TeraResult<Value> {
    // One pass over the arguments: `name`, `each` and `as`, and the rest.
    let (mut name, mut each, mut item_name) = (None, None, None);
    let mut args: Vec<(&str, &Value)> = Vec::new();
    for (k, v) in kwargs.iter() {
        match k.as_str() {
            Some("name") => name = Some(v),
            Some("each") => each = Some(v),
            Some("as") => item_name = Some(v),
            Some(k) => args.push((k, v)),
            None => {}
        }
    }
    let name: &str = match name {
        Some(v) => <&str>::from_value(v)?,
        None => kwargs.must_get("name")?,
    };
    let each: Option<&[Value]> = each.map(<&[Value]>::from_value).transpose()?;
    let item_name: Option<&str> = item_name.map(<&str>::from_value).transpose()?;
    if each.is_some() && item_name.is_none() {
        return Err(tera::Error::message(
            "component_cached: `each` needs `as`, the argument each item is given as",
        ));
    }
    let scope = SCOPES.with(|s| s.borrow().last().cloned()).ok_or_else(|| {
        tera::Error::message("component_cached works only while tandem renders a page")
    })?;
    let call = scope
        .cache
        .as_ref()
        .and_then(|c| Some((c, c.call_number(name, args.iter().copied())?)));
    let render = |item: Option<(&str, &Value)>| -> TeraResult<Value> {
        let mut context = tera::Context::new();
        for (k, v) in args.iter().copied().chain(item) {
            context.insert_value(k.to_string(), v.clone());
        }
        let mut out = Vec::with_capacity(1024);
        if let Err(e) = scope.tera.render_component_to(
            name,
            &context,
            None,
            state.autoescaping_enabled(),
            &mut out,
        ) {
            let text = e.to_string();
            FAILED.with(|f| {
                f.borrow_mut().get_or_insert(e);
            });
            return Err(tera::Error::message(text));
        }
        Ok(match std::str::from_utf8(&out) {
            Ok(s) => Value::safe_string(s),
            Err(_) => Value::safe_string(&String::from_utf8_lossy(&out)),
        })
    };
    // One item (`each`) or the whole call, looked up first when it can be.
    let once = |item: Option<(&str, &Value)>| -> TeraResult<Value> {
        let key = call.and_then(|(cache, n)| match item {
            None => Some((cache, n, None)),
            Some((_, v)) => Some((cache, n, Some(cache.card(v)?))),
        });
        if let Some((cache, n, i)) = key
            && let Some(html) = cache.get(n, i)
        {
            return Ok(html);
        }
        let html = render(item)?;
        if let Some((cache, n, i)) = key {
            cache.put(n, i, html.clone());
        }
        Ok(html)
    };
    match (each, item_name) {
        (Some(items), Some(as_name)) => {
            let mut out = String::new();
            for item in items {
                out.push_str(once(Some((as_name, item)))?.as_str().unwrap_or_default());
            }
            Ok(Value::safe_string(&out))
        }
        // The value kept, shared rather than copied.
        _ => once(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMPONENTS: &str = r#"{% component item(e, t, h=3, spare=false) %}<li{% if spare %} hidden{% endif %}><h{{ h }}>{{ e.title }}</h{{ h }}> {{ t.more }}</li>{% endcomponent item %}"#;

    fn tera(page: &str) -> Arc<tera::Tera> {
        let mut tera = tera::Tera::default();
        tera.autoescape_on([".html"]);
        tera.register_function(FUNCTION, function);
        tera.add_raw_templates([("components.html", COMPONENTS), ("page.html", page)])
            .expect("templates");
        Arc::new(tera)
    }

    fn card(title: &str) -> Value {
        let mut m = tera::Map::default();
        m.insert("title".into(), Value::from(title));
        Value::from(m)
    }

    fn render(
        tera: &Arc<tera::Tera>,
        cache: Option<&Arc<ComponentCache>>,
        ctx: &tera::Context,
    ) -> TeraResult<String> {
        with_scope(tera, cache, || tera.render("page.html", ctx))
    }

    struct Fixture {
        cards: Vec<Value>,
        labels: Value,
        cache: Arc<ComponentCache>,
    }

    fn fixture() -> Fixture {
        let cards = vec![card("A & B"), card("C"), card("D")];
        let mut t = tera::Map::default();
        t.insert("more".into(), Value::from("mehr"));
        let labels = Value::from(t);
        let cache = Arc::new(ComponentCache::new(&cards, [&labels]));
        Fixture {
            cards,
            labels,
            cache,
        }
    }

    fn context(f: &Fixture, list: &[usize]) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert_value(
            "list",
            Value::from(list.iter().map(|&i| f.cards[i].clone()).collect::<Vec<_>>()),
        );
        ctx.insert_value("t", f.labels.clone());
        ctx
    }

    const EACH: &str =
        r#"<ul>{{ component_cached(name="item", each=list, as="e", t=t, h=4) }}</ul>"#;
    const DIRECT: &str =
        r#"<ul>{% for e in list %}{{ <item e={e} t={t} h={4} /> }}{% endfor %}</ul>"#;

    #[test]
    fn each_item_renders_as_a_direct_call_and_once_per_card() {
        let f = fixture();
        let ctx = context(&f, &[0, 1, 0, 2, 1]);
        let cached = render(&tera(EACH), Some(&f.cache), &ctx).expect("cached");
        let direct = render(&tera(DIRECT), None, &ctx).expect("direct");
        assert_eq!(cached, direct);
        assert!(cached.contains("<h4>A &amp; B</h4> mehr"), "{cached}");
        assert_eq!(f.cache.len(), 3, "three cards, three renders");
        // A second page with the same cards renders nothing new.
        let again = render(&tera(EACH), Some(&f.cache), &context(&f, &[2, 1])).expect("again");
        assert_eq!(f.cache.len(), 3);
        assert_eq!(
            again,
            "<ul><li><h4>D</h4> mehr</li><li><h4>C</h4> mehr</li></ul>"
        );
    }

    #[test]
    fn other_arguments_are_part_of_the_key() {
        let f = fixture();
        let page = r#"{{ component_cached(name="item", e=list[0], t=t, h=3) }}|{{ component_cached(name="item", e=list[0], t=t, h=3, spare=true) }}|{{ component_cached(name="item", e=list[0], t=t, h=3) }}"#;
        let out = render(&tera(page), Some(&f.cache), &context(&f, &[1])).expect("render");
        assert_eq!(
            out,
            "<li><h3>C</h3> mehr</li>|<li hidden><h3>C</h3> mehr</li>|<li><h3>C</h3> mehr</li>"
        );
        assert_eq!(f.cache.len(), 2);
    }

    #[test]
    fn maps_that_are_not_cards_render_every_time() {
        let f = fixture();
        // A card's copy made in the template is a new map: never cached.
        let page = r#"{% set x = {"title": "Neu"} %}{{ component_cached(name="item", e=x, t=t) }}{{ component_cached(name="item", each=[x, x], as="e", t=t) }}"#;
        let out = render(&tera(page), Some(&f.cache), &context(&f, &[])).expect("render");
        assert_eq!(out, "<li><h3>Neu</h3> mehr</li>".repeat(3));
        assert!(f.cache.is_empty());
        // Labels that are not the build's are not keyed either.
        let mut ctx = context(&f, &[0]);
        let mut t = tera::Map::default();
        t.insert("more".into(), Value::from("more"));
        ctx.insert_value("t", Value::from(t));
        let out = render(&tera(EACH), Some(&f.cache), &ctx).expect("render");
        assert_eq!(out, "<ul><li><h4>A &amp; B</h4> more</li></ul>");
        assert!(f.cache.is_empty());
    }

    #[test]
    fn a_value_every_page_shares_is_keyed_and_a_whole_call_rendered_once() {
        let f = fixture();
        let mut s = tera::Map::default();
        s.insert("title".into(), Value::from("Netz"));
        let site = Value::from(s);
        let cache = Arc::new(ComponentCache::new(&f.cards, [&f.labels, &site]));
        let mut ctx = context(&f, &[0]);
        ctx.insert_value("site", site.clone());
        let page = r#"{{ component_cached(name="item", e=site, t=t, h=2) }}"#;
        let direct =
            render(&tera(r#"{{ <item e={site} t={t} h={2} /> }}"#), None, &ctx).expect("direct");
        assert_eq!(direct, "<li><h2>Netz</h2> mehr</li>");
        for _ in 0..2 {
            let cached = render(&tera(page), Some(&cache), &ctx).expect("cached");
            assert_eq!(cached, direct);
        }
        assert_eq!(cache.len(), 1, "rendered once");
    }

    #[test]
    fn without_a_cache_it_still_renders() {
        let f = fixture();
        let out = render(&tera(EACH), None, &context(&f, &[1])).expect("render");
        assert_eq!(out, "<ul><li><h4>C</h4> mehr</li></ul>");
    }

    #[test]
    fn mistakes_are_template_errors() {
        let f = fixture();
        let ctx = context(&f, &[0]);
        for (page, needle) in [
            (
                r#"{{ component_cached(name="item", each=list, t=t) }}"#,
                "`each` needs `as`",
            ),
            (
                r#"{{ component_cached(name="nope", e=list[0], t=t) }}"#,
                "nope",
            ),
            (r#"{{ component_cached(name="item", t=t) }}"#, "e"),
        ] {
            let err = render(&tera(page), Some(&f.cache), &ctx).expect_err(page);
            let mut text = err.to_string();
            let mut source = std::error::Error::source(&err);
            while let Some(s) = source {
                text.push_str(&format!(" / {s}"));
                source = s.source();
            }
            assert!(text.contains(needle), "{page}: {text}");
        }
        // Outside a page render there is no theme to render with.
        let t = tera(EACH);
        let err = t.render("page.html", &ctx).expect_err("no scope");
        assert!(
            format!("{err:?}").contains("only while tandem renders"),
            "{err:?}"
        );
    }
}
