// An invite link carries ROOM:TOKEN after '#', which browsers never send to the server:
// move it into the form and wipe it from the address bar.
(function () {
  var h = window.location.hash.slice(1);
  if (h) {
    document.getElementById("token").value = decodeURIComponent(h);
    history.replaceState(null, "", window.location.pathname);
  }
})();
