// A one-time link from an e-mail carries its token after "#", which browsers never send to a server (so it is in no
// access log). This puts it in the form's hidden field and takes it out of the address bar.
(function () {
  var field = document.querySelector("input[data-link-token]");
  var token = new URLSearchParams(location.hash.slice(1)).get("token");
  if (!field || !token) return;
  field.value = token;
  history.replaceState(null, "", location.pathname + location.search);
})();
