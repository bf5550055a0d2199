// The customer's signature, drawn with a finger. The drawing is kept as a PNG data URL in the
// form's draft, so a reload or an app update does not lose it.
import SignaturePad from 'signature_pad'
import { useEffect, useRef } from 'preact/hooks'

export function SignatureField({ value, onChange }) {
  const canvas = useRef(null)
  const pad = useRef(null)

  useEffect(() => {
    const element = canvas.current
    const ratio = Math.max(window.devicePixelRatio || 1, 1)
    element.width = element.offsetWidth * ratio
    element.height = element.offsetHeight * ratio
    element.getContext('2d').scale(ratio, ratio)
    const signature = new SignaturePad(element, { penColor: '#111827', backgroundColor: 'rgb(255,255,255)' })
    if (value) signature.fromDataURL(value, { ratio })
    signature.addEventListener('endStroke', () => onChange(signature.toDataURL('image/png')))
    pad.current = signature
    return () => signature.off()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the pad is made once per canvas; later values come from the pad itself
  }, [])

  const clear = () => {
    pad.current.clear()
    onChange(null)
  }

  return (
    <div class="signature">
      <canvas ref={canvas} class="signature-canvas" aria-label="Área para a assinatura do cliente" data-testid="signature" />
      <button type="button" class="btn btn-small btn-ghost" onClick={clear}>
        Limpar assinatura
      </button>
    </div>
  )
}
