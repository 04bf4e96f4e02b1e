// Scales a photo down in the browser so that it fits the upload limit (a phone
// camera's JPEG or a screenshot PNG over 15 MiB is made smaller rather than refused).
// Called from Rust (src/upload.rs); core still checks the result's bytes and size.
// Platform code only: the decision that a file is over the limit is core's.
const MAX_EDGE = 4000; // keeps the canvas under iOS Safari's 16.7 Mpx limit

export async function shrinkImage(file, maxBytes) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return null;
  }
  let scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  try {
    for (let attempt = 0; attempt < 6; attempt++, scale *= 0.7) {
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff"; // a transparent PNG becomes a JPEG on white
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
      if (blob && blob.size <= maxBytes) {
        const name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
        return new File([blob], name, { type: "image/jpeg" });
      }
    }
    return null;
  } finally {
    bitmap.close?.();
    canvas.width = canvas.height = 0;
  }
}
