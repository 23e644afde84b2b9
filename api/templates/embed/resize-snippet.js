window.addEventListener("message", function (e) {
  if (e.origin !== "SAMVERKAN_ORIGIN" || !e.data || e.data.type !== "samverkan:height") return;
  var frames = document.getElementsByTagName("iframe");
  for (var i = 0; i < frames.length; i++) {
    if (frames[i].contentWindow === e.source) frames[i].style.height = e.data.height + "px";
  }
});
