// The store's logo: a raw image uploaded as an attachment of the store (same client, session and
// errors as every office request).
import { sha256Hex } from '../../lib/photos.js'
import { officeApi } from '../api.js'

/** Upload an image as an attachment of the store (how a logo gets there); answers its id. */
export async function uploadStoreImage(file, storeId) {
  const id = crypto.randomUUID()
  const sha256 = await sha256Hex(file)
  await officeApi.put(`/api/attachments/${id}?kind=signature&store_id=${storeId}`, file, {
    'Content-Type': file.type || 'application/octet-stream',
    'X-Content-SHA256': sha256,
  })
  return id
}
