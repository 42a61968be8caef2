// The players' frames say which frame they show (book/_ext/course_book/alt.py writes the description):
// whenever a player changes its picture, its alt text becomes "description, frame k of n".
document.addEventListener("DOMContentLoaded", () => {
  for (const frame of document.querySelectorAll(".course-player img[data-course-alt]")) {
    const slider = frame.closest(".animation").querySelector("input.anim-slider");
    const describe = () => {
      frame.alt = `${frame.dataset.courseAlt}, frame ${+slider.value + 1} of ${+slider.max + 1}`;
    };
    new MutationObserver(describe).observe(frame, { attributes: true, attributeFilter: ["src"] });
  }
});
