// Scripts run: the figures will come, so their places are kept free (www/sections.css).
document.documentElement.classList.add('js');
// Embeds (?embed=1) and presenter mode (?present=1) show the live figure only: hide the prerendered
// explanation before the first paint, not when the figure's module starts; set ?palette= too.
if (/[?&](embed|present)=(1|true|yes|on)(&|$)/i.test(location.search)) {
  document.documentElement.classList.add('figure-only');
}
var p = /[?&]palette=(\w+)/.exec(location.search);
if (p) document.documentElement.dataset.palette = p[1].toLowerCase();
