/**
 * A small enhancement for the preferences page, served as its own file (the CSP allows no
 * inline script): when the browser's time zone differs from the one chosen, it offers a button
 * that picks it. Without JavaScript the select works as it is.
 */
export const ZONE_HINT_JS = `(function () {
  var select = document.getElementById('tz');
  var hint = document.getElementById('tz-suggestion');
  if (!select || !hint || !window.Intl) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === select.value) return;
  var known = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
  if (!known) return;
  var button = hint.querySelector('button');
  button.textContent = 'Use this browser\\u2019s time zone: ' + zone;
  button.addEventListener('click', function () { select.value = zone; select.focus(); });
  hint.hidden = false;
})();
`;
