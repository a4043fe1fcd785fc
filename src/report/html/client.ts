/**
 * The page's only script: filters and fingerprint links. Everything else is plain HTML and SVG, so
 * the report reads the same with JavaScript off (the filter form then stays hidden). Kept as a
 * string of plain ES2017 that runs from `file://` without modules.
 */
export const CLIENT_SCRIPT = `(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  form.hidden = false;
  var items = Array.prototype.slice.call(document.querySelectorAll('#list > article'));
  var shown = document.getElementById('shown');
  var text = items.map(function (item) { return item.textContent.toLowerCase(); });
  function apply() {
    var rule = form.elements.rule.value, framework = form.elements.framework.value, dir = form.elements.dir.value;
    var fixable = form.elements.fixable.checked, q = form.elements.q.value.trim().toLowerCase(), n = 0;
    items.forEach(function (item, i) {
      var d = item.dataset;
      var ok = (!rule || d.rule === rule) && (!framework || d.framework === framework) && (!dir || d.dir === dir) &&
        (!fixable || d.fixable === 'true') && (!q || text[i].indexOf(q) >= 0);
      item.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = String(n);
  }
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('reset', function () { setTimeout(apply, 0); });
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  Array.prototype.forEach.call(document.querySelectorAll('[data-filter]'), function (link) {
    link.addEventListener('click', function (event) {
      var parts = link.getAttribute('data-filter').split('=');
      var field = form.elements[parts[0]];
      if (!field) return;
      event.preventDefault();
      form.reset();
      field.value = parts.slice(1).join('=');
      apply();
      document.getElementById('findings').scrollIntoView();
    });
  });
  function reveal() {
    var target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    if (target && target.hidden) { form.reset(); items.forEach(function (item) { item.hidden = false; }); shown.textContent = String(items.length); }
    if (target) target.scrollIntoView();
  }
  window.addEventListener('hashchange', reveal);
  reveal();
})();`;
