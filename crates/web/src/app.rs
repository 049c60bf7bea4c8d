//! The page. Its state comes from the URL (`url_state`) and goes back to it as the reader changes
//! things; it renders as the full explainer, in presenter mode (`?present=1`, `P`), or as an
//! embed (`?embed=1`) with only the figure and the chosen controls. The explanation below the figure
//! is a second module, loaded on scroll (`lazy`).

use crate::challenges::Challenges;
use crate::components::*;
use crate::embed::use_embed_bridge;
use crate::hooks::{use_simulation, use_visible};
use crate::lazy::{use_lazy_explanation, use_preset_events};
use crate::presenter::{self, HelpOverlay, StepPanel};
use gloo::timers::callback::Timeout;
use poolsim_page::format;
use poolsim_page::presenter::{key_command, KeyCommand, StepMove};
use poolsim_page::state::{Action, PageState};
use poolsim_page::url_state::{decode, encode, Decoded, Embed, Layout};
use poolsim_ui::hooks::{use_prefers_dark, use_reduced_motion, use_resize_tick};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// How long the URL waits for the reader to stop dragging before it is rewritten, ms.
const URL_DEBOUNCE_MS: u32 = 300;

/// The state the page starts from: its URL's query, decoded.
fn boot() -> Decoded {
    let search = gloo::utils::window()
        .location()
        .search()
        .unwrap_or_default();
    decode(&search)
}

fn set_root_class(class: &str, on: bool) {
    if let Some(root) = gloo::utils::document().document_element() {
        let list = root.class_list();
        let _ = if on {
            list.add_1(class)
        } else {
            list.remove_1(class)
        };
    }
}

fn fullscreen(on: bool) {
    let document = gloo::utils::document();
    if on {
        if document.fullscreen_element().is_none() {
            if let Some(root) = document.document_element() {
                let _ = root.request_fullscreen();
            }
        }
    } else if document.fullscreen_element().is_some() {
        document.exit_fullscreen();
    }
}

/// Moves the talk; the reducer loads the new step's scenario in a fresh run.
fn go(dispatcher: &UseReducerDispatcher<PageState>, to: StepMove) {
    dispatcher.dispatch(Action::GoTo(to));
    presenter::scroll_to_top();
}

/// Enters or leaves presenter mode (and full screen with it); entering loads step 1.
fn set_presenting(dispatcher: &UseReducerDispatcher<PageState>, on: bool) {
    dispatcher.dispatch(Action::Present(on));
    fullscreen(on);
    if on {
        presenter::scroll_to_top();
    }
}

/// Keeps the address bar on the current state (debounced `history.replaceState`).
#[hook]
fn use_url_sync(state: &PageState, embed: Option<Rc<Embed>>) {
    let pending = use_mut_ref(|| None::<Timeout>);
    let key = (
        state.params.clone(),
        state.preset,
        state.seed,
        state.playing,
        state.speed,
        state.present,
        state.step,
    );
    let state = state.clone();
    use_effect_with(key, move |_| {
        let query = encode(&state, embed.as_deref());
        *pending.borrow_mut() = Some(Timeout::new(URL_DEBOUNCE_MS, move || {
            let window = gloo::utils::window();
            let location = window.location();
            let path = location.pathname().unwrap_or_default();
            // The `#section` fragment stays: the explanation may still be loading to scroll there.
            let hash = location.hash().unwrap_or_default();
            if let Ok(history) = window.history() {
                let _ = history.replace_state_with_url(
                    &wasm_bindgen::JsValue::NULL,
                    "",
                    Some(&format!("{path}?{query}{hash}")),
                );
            }
        }));
    });
}

/// Whether a key press belongs to a form control (typing a number must not change the step).
fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            let tag = el.tag_name().to_ascii_lowercase();
            matches!(tag.as_str(), "textarea" | "select")
                || (tag == "input"
                    && !matches!(
                        el.get_attribute("type").as_deref(),
                        Some("checkbox" | "radio" | "button")
                    ))
        })
}

/// The keyboard shortcuts of [`poolsim_page::presenter::SHORTCUTS`], on the whole document.
#[hook]
fn use_shortcuts(
    state: &PageState,
    dispatcher: UseReducerDispatcher<PageState>,
    help: UseStateHandle<bool>,
) {
    // What the handler needs to know synchronously: whether arrows move the talk (else they
    // scroll the page) and whether the model plays. Rendering refreshes it; the handler updates it
    // at once too, so keys sent faster than the page renders (clickers, impatient presenters) see
    // the mode their predecessors set. Step moves are relative and resolved by the reducer, so
    // none is lost.
    let mirror = use_mut_ref(|| (false, true));
    *mirror.borrow_mut() = (state.present, state.playing);
    use_effect_with((), move |_| {
        let document = gloo::utils::document();
        let options = gloo::events::EventListenerOptions::enable_prevent_default();
        let listener = gloo::events::EventListener::new_with_options(
            &document,
            "keydown",
            options,
            move |ev| {
                let Some(ev) = ev.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if ev.ctrl_key()
                    || ev.meta_key()
                    || ev.alt_key()
                    || (typing(ev) && ev.key() != "Escape")
                {
                    return;
                }
                let (present, playing) = *mirror.borrow();
                let Some(cmd) = key_command(&ev.key(), present) else {
                    return;
                };
                ev.prevent_default();
                match cmd {
                    KeyCommand::TogglePresent => {
                        mirror.borrow_mut().0 = !present;
                        set_presenting(&dispatcher, !present);
                    }
                    KeyCommand::Next => go(&dispatcher, StepMove::Next),
                    KeyCommand::Previous => go(&dispatcher, StepMove::Previous),
                    KeyCommand::First => go(&dispatcher, StepMove::First),
                    KeyCommand::Last => go(&dispatcher, StepMove::Last),
                    KeyCommand::Fullscreen => {
                        fullscreen(gloo::utils::document().fullscreen_element().is_none())
                    }
                    KeyCommand::PlayPause => {
                        mirror.borrow_mut().1 = !playing;
                        dispatcher.dispatch(Action::Play(!playing));
                    }
                    KeyCommand::StepModel => dispatcher.dispatch(Action::Step),
                    KeyCommand::Reset => dispatcher.dispatch(Action::Reset),
                    KeyCommand::Help => help.set(!*help),
                    KeyCommand::Close => help.set(false),
                }
            },
        );
        move || drop(listener)
    });
}

#[derive(Properties, PartialEq)]
struct NoticeProps {
    notices: Rc<Vec<String>>,
    on_dismiss: Callback<()>,
}

/// What had to be changed to read the link, until dismissed.
#[component]
fn LinkNotice(props: &NoticeProps) -> Html {
    let dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <div class="link-notice" role="status" data-notices={props.notices.len().to_string()}>
            <p>{ "Parts of this link could not be used as they were:" }</p>
            <ul>{ for props.notices.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
            <button type="button" onclick={dismiss} aria-label="Dismiss the note about the link">{ "Dismiss" }</button>
        </div>
    }
}

#[component]
pub fn App() -> Html {
    let boot = use_memo((), |_| boot());
    let embed: Option<Rc<Embed>> = boot.embed.clone().map(Rc::new);
    let state = use_reducer({
        let boot = boot.clone();
        move || boot.state.clone()
    });
    let notices = use_state(|| Rc::new(boot.notices.clone()));
    let help = use_state(|| false);
    let calm = use_reduced_motion();
    let dark = use_prefers_dark();
    let resize = use_resize_tick();
    let figure_ref = use_node_ref();
    let visible = use_visible(figure_ref.clone());
    let view = use_simulation(&state, calm, visible);
    // The projector palette of presenter mode is dark and high-contrast, canvases included.
    let dark = state.palette.dark(dark) || state.present;
    use_url_sync(&state, embed.clone());
    use_shortcuts(&state, state.dispatcher(), help.clone());
    use_embed_bridge(
        embed.clone(),
        state.dispatcher(),
        view.clone(),
        state.playing,
    );
    {
        let (embedded, present) = (embed.is_some(), state.present);
        use_effect_with((embedded, present), move |(e, p)| {
            set_root_class("embedded", *e);
            set_root_class("presenting", *p);
        });
    }
    // Stable across renders, so controls (and what is being typed into them) are not re-rendered
    // by every frame of the simulation.
    let on_action = use_callback(state.dispatcher(), |a: Action, dispatcher| {
        dispatcher.dispatch(a)
    });
    let on_preset = {
        let figure_ref = figure_ref.clone();
        use_callback(state.dispatcher(), move |name: String, dispatcher| {
            if let Some(id) = poolsim_model::PresetId::from_key(&name) {
                dispatcher.dispatch(Action::Params(Box::new(id.params()), Some(id)));
                dispatcher.dispatch(Action::Reset);
                dispatcher.dispatch(Action::Play(true));
                if let Some(figure) = figure_ref.cast::<web_sys::Element>() {
                    figure.scroll_into_view();
                }
            }
        })
    };
    use_preset_events(on_preset);
    use_lazy_explanation(embed.is_none() && !state.present);
    let on_go = use_callback(state.dispatcher(), |to: StepMove, dispatcher| {
        go(dispatcher, to)
    });
    let on_present = use_callback(
        (state.dispatcher(), state.present),
        |_: (), (dispatcher, present)| set_presenting(dispatcher, !*present),
    );
    let on_dismiss = {
        let notices = notices.clone();
        Callback::from(move |_| notices.set(Rc::new(Vec::new())))
    };
    let close_help = {
        let help = help.clone();
        Callback::from(move |_| help.set(false))
    };
    let notice = (!notices.is_empty())
        .then(|| html! { <LinkNotice notices={(*notices).clone()} on_dismiss={on_dismiss} /> });
    // One shared copy of the state per render for the components that take it whole.
    let shared = Rc::new((*state).clone());
    let figure = |only: Option<Vec<&'static str>>, embed: Option<Rc<Embed>>| {
        let compact = embed.is_some();
        html! {
            <LiveFigure state={shared.clone()} view={view.clone()} on_action={on_action.clone()}
                        figure_ref={figure_ref.clone()} {dark} {resize} {calm} {only} {compact} {embed} />
        }
    };

    if let Some(e) = &embed {
        let full = format!(
            "{}?{}",
            poolsim_ui::components::share::page_address(),
            encode(&state, None)
        );
        return html! {
            <div class={classes!("page", "embed", (e.layout == Layout::Compact).then_some("compact"))}
                 data-embed-id={e.id.clone()}>
                // The page's title is the embed's level-one heading (for screen readers: the
                // figure's own heading is what a reader sees).
                <h1 class="visually-hidden">{ poolsim_page::outline::TITLE }</h1>
                { notice.unwrap_or_default() }
                { figure(Some(e.controls.clone()), Some(e.clone())) }
                <p class="embed-credit">
                    <a href={full} target="_blank" rel="noopener">{ "Open the full explainer ↗" }</a>
                    { " · poolsim, a calibrated simulation of Postgres connections" }
                </p>
            </div>
        };
    }

    html! {
        <div class={classes!("page", state.present.then_some("present"))}>
            if *help {
                <HelpOverlay on_close={close_help} />
            }
            { notice.unwrap_or_default() }
            // The figure keeps its place in the tree in both modes, so it is the same element
            // (and the same running models, and the same visibility observer) across P presses.
            if state.present {
                <h1 class="visually-hidden">{ poolsim_page::outline::TITLE }</h1>
                <StepPanel step={state.step} talk={state.talk} on_go={on_go} on_exit={on_present.clone()} />
            } else {
                <header class="masthead">
                    <h1>{ poolsim_page::outline::TITLE }</h1>
                    <p class="lede">{ poolsim_page::outline::LEDE }</p>
                </header>
            }
            { figure(None, None) }
            if !state.present {
                <ShareBar state={shared.clone()} history={view.history.clone()} on_present={on_present} />
                <p class="shortcut-hint">{ "Press ? for keyboard shortcuts, P for presenter mode." }</p>
                <section class="figure memory-figure" aria-labelledby="memory-title">
                    <h2 id="memory-title">{ "Memory held by server connections, from 1 to 20,000 clients" }</h2>
                    <MemoryChart clients={state.params.clients} pool_size={state.params.pool_size}
                                 max_clients={20_000} {dark} {resize} />
                    <p class="figure-note">
                        { format!("Idle connections touching 50 relations. The dots are today's {} clients; \
                                   top's RSS column (dashed) counts shared pages again in every backend.",
                                  format::count(state.params.clients.into())) }
                    </p>
                </section>
                <Challenges state={shared.clone()} view={view.clone()} />
            }
        </div>
    }
}
