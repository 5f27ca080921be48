"""Links and the shared sidebar in the real app: a link restores a view, a tampered link is harmless,
the vocabulary switch renames the page, and settings survive a page switch."""

from __future__ import annotations

from lstm_core import VARIANTS
from tests.browser.helpers import settle
from tests.browser.test_pages import (
    EXCEPTION,
    NAV_LINK,
    SETTLE_TIMEOUT,
    STEP_PAGE,
    assert_healthy,
    main_text,
    open_page,
    plots,
    query,
    shown_step,
    url,
    wait_for_drawn_plots,
)
from ui import notation
from ui.notation import VOCABULARY_TITLES

SIDEBAR = '[data-testid="stSidebar"]'
SCRIPT = "<script>alert(1)</script>"
TAMPERED = "hidden=999&variant=%3Cscript%3Ealert(1)%3C/script%3E&t=-4"


def variant_shown(page) -> str:
    """The variant the sidebar's Variant box shows (its key, e.g. "udacity")."""
    shown = page.locator(SIDEBAR).get_by_role("combobox", name="Variant", exact=True).input_value()
    matches = [v for v in VARIANTS if v in shown]
    assert len(matches) == 1, f"the Variant box shows {shown!r}"
    return matches[0]


def vocabulary_radio(page, vocabulary: str):
    return page.locator(SIDEBAR).get_by_role("radio", name=VOCABULARY_TITLES[vocabulary], exact=True)


def hidden_slider(page):
    """The hidden-size slider's range input (its value is the number of units)."""
    return page.locator(f'{SIDEBAR} [data-testid="stSlider"]', has_text="Hidden size").locator(
        'input[type="range"]'
    )


def plot_labels(page) -> str:
    """The text Plotly drew (titles, axis titles, legends, annotations) in every chart, lower case."""
    return " | ".join(p["text"] for p in plots(page)).lower()


def names_of_c(vocabulary: str) -> str:
    """What the cell state is called in ``vocabulary``: "cell state" or "long-term memory"."""
    return notation.name("c", vocabulary).lower()


def test_a_deep_link_restores_the_view(app_url, page):
    open_page(page, url(app_url, STEP_PAGE, "variant=udacity&vocabulary=udacity&hidden=6&t=3"))
    assert_healthy(page)
    assert page.locator('[data-testid="stAlert"]').count() == 0, "a valid link must not show a notice"
    assert variant_shown(page) == "udacity"
    assert vocabulary_radio(page, "udacity").is_checked()
    assert hidden_slider(page).input_value() == "6"
    assert names_of_c("udacity") in main_text(page).lower()
    labels = plot_labels(page)
    assert names_of_c("udacity") in labels and names_of_c("standard") not in labels, labels
    assert shown_step(page)[0] == 3
    assert query(page) == {"variant": "udacity", "vocabulary": "udacity", "hidden": "6", "t": "3"}


def test_a_tampered_link_shows_a_notice_and_nothing_runs(app_url, page):
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    open_page(page, url(app_url, STEP_PAGE, TAMPERED))
    assert_healthy(page)
    notices = page.locator('[data-testid="stMain"] [data-testid="stAlert"]')
    assert notices.count() >= 1, "a bad link parameter must show a notice"
    notice_text = " ".join(notices.all_inner_texts())
    for name in ("hidden", "variant", "“t”"):
        assert name in notice_text, f"no notice names {name}: {notice_text}"
    assert not dialogs, f"the link opened a dialog: {dialogs}"
    html = page.content()
    assert SCRIPT not in html, "the link's script text reached the page as markup"
    assert page.locator("script", has_text="alert(1)").count() == 0
    # The view fell back to the defaults, and the address bar no longer carries the bad values.
    assert variant_shown(page) == "standard"
    assert hidden_slider(page).input_value() == "4"
    assert shown_step(page)[0] == 0
    assert not {"hidden", "variant", "t"} & set(query(page)), page.url


def test_a_link_over_streamlits_limit_says_so_instead_of_silently_showing_the_default_view(app_url, page):
    # 1,000 parameters: Streamlit passes them on; the view is read, the 999 unknown ones are counted.
    junk = "&".join(f"x{i}=1" for i in range(999))
    open_page(page, url(app_url, STEP_PAGE, f"hidden=6&{junk}"))
    assert_healthy(page)
    assert hidden_slider(page).input_value() == "6"
    notices = page.locator('[data-testid="stMain"] [data-testid="stAlert"]')
    assert notices.all_inner_texts() == ["Ignored 999 link parameter(s) this app does not know."]

    # 1,001: Streamlit hands the app none of them. The page says so, shows the default view, and the
    # address bar no longer claims the dropped view.
    open_page(page, url(app_url, STEP_PAGE, f"hidden=6&{junk}&x999=1"))
    assert_healthy(page)
    (notice,) = notices.all_inner_texts()
    assert notice.startswith("The link has 1,001 parameters and 6,898 characters: more than the 1,000 "), (
        notice
    )
    assert "shows the default view" in notice
    assert hidden_slider(page).input_value() == "4"
    assert query(page) == {}, page.url


def test_a_tampered_link_on_the_home_page_is_harmless_too(app_url, page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(page, url(app_url, "", TAMPERED))
    assert_healthy(page)
    assert page.locator('[data-testid="stMain"] [data-testid="stAlert"]').count() >= 1
    assert not dialogs
    assert SCRIPT not in page.content()


def test_the_vocabulary_switch_renames_the_labels(app_url, page):
    open_page(page, url(app_url, STEP_PAGE))
    labels = plot_labels(page)
    assert names_of_c("standard") in labels and names_of_c("udacity") not in labels, labels

    vocabulary_radio(page, "udacity").check(force=True)  # the input sits under Streamlit's styled label
    page.wait_for_url("**vocabulary=udacity**", timeout=15_000)
    settle(page, timeout=SETTLE_TIMEOUT)
    wait_for_drawn_plots(page)
    assert_healthy(page)
    labels = plot_labels(page)
    assert names_of_c("udacity") in labels and names_of_c("standard") not in labels, labels
    assert names_of_c("udacity") in main_text(page).lower()


def test_sidebar_settings_survive_a_page_switch(app_url, page):
    open_page(page, url(app_url, STEP_PAGE))
    for hidden in (5, 6, 7):  # one key at a time, each once the last run is over, as a person would
        hidden_slider(page).focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_url(f"**hidden={hidden}**", timeout=15_000)
        settle(page, timeout=SETTLE_TIMEOUT)
    vocabulary_radio(page, "udacity").check(force=True)
    page.wait_for_url("**vocabulary=udacity**", timeout=15_000)
    settle(page, timeout=SETTLE_TIMEOUT)
    assert hidden_slider(page).input_value() == "7"

    for target in ("Cell_anatomy", "Gate_lab", ""):
        page.locator(f'{NAV_LINK}[href$="/{target}"]').click()
        page.wait_for_url(f"**/{target}?**" if target else "**/?**", timeout=15_000)
        settle(page, timeout=SETTLE_TIMEOUT)
        wait_for_drawn_plots(page)
        assert page.locator(EXCEPTION).count() == 0, f"exception after switching to /{target}"
        assert hidden_slider(page).input_value() == "7", f"hidden size lost on /{target}"
        assert vocabulary_radio(page, "udacity").is_checked(), f"vocabulary lost on /{target}"
        assert query(page).get("hidden") == "7" and query(page).get("vocabulary") == "udacity", page.url


def test_the_sidebar_variant_note_follows_the_vocabulary_switch(app_url, page):
    """The note under the Variant box names the peephole cell's input in the current vocabulary."""
    open_page(page, url(app_url, "Gate_lab", "variant=peephole"))
    # the caption under the Variant box (Gate lab's sidebar also has one on the settings it ignores)
    note = page.locator(f'{SIDEBAR} [data-testid="stCaptionContainer"]').filter(has_text="Schmidhuber").first
    assert names_of_c("standard") in note.inner_text().lower()
    vocabulary_radio(page, "udacity").check(force=True)
    page.wait_for_url("**vocabulary=udacity**", timeout=15_000)
    settle(page, timeout=SETTLE_TIMEOUT)
    assert names_of_c("udacity") in note.inner_text().lower(), (
        f"the sidebar note still says {note.inner_text()!r} after switching to the Udacity vocabulary"
    )
