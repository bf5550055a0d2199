// A photo kept on the phone (a Blob in IndexedDB), shown through an object URL.
import { useEffect, useState } from 'preact/hooks'

export function PhotoThumb({ blob, alt, onRemove }) {
  const [url, setUrl] = useState(null)
  useEffect(() => {
    if (!(blob instanceof Blob)) return undefined
    const objectUrl = URL.createObjectURL(blob)
    setUrl(objectUrl)
    return () => URL.revokeObjectURL(objectUrl)
  }, [blob])
  return (
    <figure class="thumb">
      {url && <img src={url} alt={alt} />}
      {onRemove && (
        <button type="button" class="thumb-remove" onClick={onRemove} aria-label={`Remover ${alt}`}>
          ×
        </button>
      )}
    </figure>
  )
}
