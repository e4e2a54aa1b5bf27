// Registration: the school list shows the chosen country's schools only (without JavaScript
// it shows them all, grouped by country; the server checks the pair either way).
// A module of its own: the registration page loads no socket code (network.js opens one).
export function followCountry(select) {
  const country = document.getElementById(select.dataset.follows);
  if (!country) return;
  const update = () => {
    for (const group of select.querySelectorAll("optgroup[data-country]")) {
      const shown = !country.value || group.dataset.country === country.value;
      group.hidden = !shown;
      group.disabled = !shown;
    }
    const chosen = select.selectedOptions[0];
    if (chosen && chosen.parentElement.disabled) select.value = "new";
  };
  country.addEventListener("change", update);
  update();
}
