"""Two new teachers in two countries, in real browsers: they register, find each other by a
posting, become contacts (the request reaches the bell live), found a project, both NSS
officers approve it, and both land in the new TwinSpace."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, Page, expect

from tests.conftest import RunningServer
from tests.e2e.conftest import log_in, new_page

PASSWORD = "Kanal-Brücke-2026"


async def register(
    page: Page, url: str, username: str, name: str, country: str, school: str, city: str
) -> None:
    await page.goto(f"{url}/register")
    await page.get_by_label("Your name").fill(name)
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("E-mail", exact=True).fill(f"{username}@school.invalid")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_label("Country").select_option(country)
    shown = await page.locator("#school_id optgroup").evaluate_all(
        "groups => groups.filter(g => !g.hidden).map(g => g.dataset.country)"
    )
    assert shown == [country]  # the school list follows the chosen country
    await page.get_by_label("In a school (I teach)").check()
    await page.get_by_label("School or institution").select_option("new")
    await page.get_by_label("New school: name").fill(school)
    await page.get_by_label("New school: city").fill(city)
    await page.get_by_label("Postal address of the school").fill(f"1 Hauptstraße, {city}")
    await page.get_by_label("National school number").fill(f"{country}-{username}")
    await page.get_by_role("button", name="Create my account").click()
    await page.wait_for_url(f"{url}/postings")
    await expect(page.locator(".me")).to_have_text(name)


async def test_two_teachers_from_idea_to_twinspace(
    server: RunningServer, browser: Browser, artifacts: Path
) -> None:
    url = server.url
    claire, hannes = await new_page(browser), await new_page(browser)

    # 1. Claire registers in France and publishes a posting
    await register(claire, url, "claire", "Claire Dubois", "FR", "École des Tilleuls", "Rennes")
    await claire.get_by_role("link", name="Add a posting").click()
    await claire.get_by_label("Title").fill("Birds on our windowsills")
    await claire.get_by_label("Biology").check()
    await claire.get_by_label("Pupils' age from").fill("8")
    await claire.get_by_label("to", exact=True).fill("10")
    await claire.get_by_label("English").check()
    await claire.get_by_label("French").check()
    await claire.get_by_label("Description").fill("We count the birds we see and compare.")
    await claire.get_by_role("button", name="Publish").click()
    await expect(claire.get_by_role("heading", name="Birds on our windowsills")).to_be_visible()
    await expect(claire.locator("#bell")).to_have_attribute("data-live", "true")

    # 2. Hannes registers in Germany and finds her posting by a search
    await register(hannes, url, "hannes", "Hannes Vogel", "DE", "Grundschule am See", "Potsdam")
    await hannes.get_by_label("Search", exact=True).fill("windowsill birds")
    await hannes.get_by_role("button", name="Search").click()
    await hannes.get_by_role("link", name="Birds on our windowsills").click()
    await hannes.get_by_role("link", name="See Claire Dubois's profile").click()
    await expect(hannes.get_by_text("École des Tilleuls")).to_be_visible()
    await hannes.get_by_label("Message with your contact request").fill("Hallo Claire! Vögel?")
    await hannes.get_by_role("button", name="Send a contact request").click()
    await expect(
        hannes.get_by_text("Your contact request is waiting for an answer.")
    ).to_be_visible()

    # 3. Claire's bell counts it live; she accepts on her contacts page
    await expect(claire.locator(".bell__count")).to_have_text("1")
    await claire.get_by_role("link", name="People").click()
    await claire.get_by_role("link", name="My contacts").click()
    await expect(claire.get_by_text("Hallo Claire! Vögel?")).to_be_visible()
    await claire.get_by_role("button", name="Accept").click()
    await expect(claire.locator(".person__name", has_text="Hannes Vogel")).to_be_visible()
    # Hannes, still on Claire's profile, is offered the latest version of the page
    await expect(hannes.locator(".network-live")).to_be_visible()
    await hannes.get_by_role("link", name="Show the latest").click()
    await expect(hannes.get_by_text("You are contacts.")).to_be_visible()

    # 4. Claire founds the project with Hannes through the steps and the preview
    await claire.get_by_role("link", name="Projects", exact=True).click()
    await claire.get_by_role("link", name="Create a project").click()
    await claire.get_by_role("button", name="Start (or resume my draft)").click()
    await claire.get_by_label("École des Tilleuls").check()
    await claire.get_by_role("button", name="Next step").click()
    await claire.get_by_label("Hannes Vogel").check()
    await claire.get_by_role("button", name="Next step").click()
    await claire.get_by_label("Title").fill("Birds without borders")
    await claire.reload()  # the draft survives a reload: the earlier steps are saved
    await claire.get_by_label("Title").fill("Birds without borders")
    await claire.get_by_label("Short description").fill("Two classes count birds together.")
    await claire.get_by_label("English").check()
    await claire.get_by_label("Pupils' age from").fill("8")
    await claire.get_by_label("to", exact=True).fill("10")
    await claire.get_by_label("Number of pupils").fill("45")
    await claire.get_by_label("Biology").check()
    await claire.get_by_label("Image gallery").check()
    await claire.get_by_label("Objectives").fill("Observe, count, compare.")
    await claire.get_by_label("Working procedure").fill("A count every Monday.")
    await claire.get_by_label("Expected results").fill("A shared bird atlas.")
    await claire.get_by_role("button", name="Next step").click()
    await expect(claire.get_by_text("Hannes Vogel —")).to_be_visible()
    await claire.get_by_role("button", name="Submit the project").click()
    await expect(claire.get_by_text("Waits for the co-founder: Hannes Vogel")).to_be_visible()

    # 5. Hannes is told live (his request accepted, then the co-founding), accepts
    await expect(hannes.locator(".bell__count")).to_have_text("2")
    await hannes.get_by_role("link", name="Projects", exact=True).click()
    await hannes.get_by_role("link", name="Pending").click()
    await hannes.get_by_role("link", name="Birds without borders").click()
    await hannes.get_by_role("button", name="Accept").click()
    await expect(
        hannes.get_by_text("Waits for the national support service of: Germany, France")
    ).to_be_visible()

    # 6. Both national support services validate from their queues
    for officer in ("nss-fr", "nss-de"):
        page = await new_page(browser)
        await log_in(page, url, officer, next_path="/nss")
        card = page.locator(".project-card", has_text="Birds without borders")
        await card.get_by_role("button", name="Validate").click()
        await expect(card).to_have_count(0)
        await expect(page.locator(".decided")).to_contain_text("Birds without borders")
        await page.context.close()

    # 7. Both founders land in the new TwinSpace as its administrators
    for page in (claire, hannes):
        await page.goto(f"{url}/projects")
        await page.get_by_role("link", name="Birds without borders").click()
        await expect(page.locator(".project")).to_have_text("Birds without borders")
        await expect(page.get_by_role("link", name="Teachers' room")).to_be_visible()
        await expect(page.get_by_role("link", name="Chat")).to_be_visible()
    await claire.screenshot(path=str(artifacts / "network-twinspace-open.png"))
