// Photos from the camera are large (4000 px, several MB) and carry EXIF with GPS. Before they
// are stored on the phone they are redrawn on a canvas, at most 1600 px on the longer side, and
// re-encoded as JPEG: smaller uploads over weak signal, and no metadata leaves the phone.
export const MAX_SIDE = 1600

export async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export async function compressPhoto(file, { maxSide = MAX_SIDE, quality = 0.85 } = {}) {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height))
  const width = Math.round(bitmap.width * scale)
  const height = Math.round(bitmap.height * scale)
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height)
  bitmap.close()
  const blob = await new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('Não foi possível processar a foto.'))), 'image/jpeg', quality),
  )
  return { blob, width, height }
}

/** A stored photo or signature, ready for the outbox (see data/mutations.js `record`). */
export async function blobRecord(blob, kind, storeId) {
  return {
    id: crypto.randomUUID(),
    kind,
    store_id: storeId,
    type: blob.type,
    size: blob.size,
    sha256: await sha256Hex(blob),
    data: blob,
  }
}

/** A data: URL (the signature pad's output) as a Blob; fetch() of data: is barred by our CSP. */
export function dataUrlToBlob(url) {
  const [head, body] = url.split(',')
  const type = head.match(/data:([^;]+)/)[1]
  const bytes = Uint8Array.from(atob(body), (c) => c.charCodeAt(0))
  return new Blob([bytes], { type })
}
