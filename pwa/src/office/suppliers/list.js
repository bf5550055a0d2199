// The store's supplier list shared by the pickers: fetched once per store, dropped when one is saved.
import { officeApi } from '../api.js'

const lists = new Map()

/** The store's active suppliers (one request per store and page load, shared by every picker). */
export function storeSuppliers(storeId) {
  if (!lists.has(storeId)) {
    const request = officeApi.get(`/api/suppliers?store_id=${storeId}`)
    request.catch(() => lists.delete(storeId))
    lists.set(storeId, request)
  }
  return lists.get(storeId)
}

export const forgetSuppliers = () => lists.clear()
