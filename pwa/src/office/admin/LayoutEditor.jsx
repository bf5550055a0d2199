// The layout editor: HTML (a Jinja template) and CSS in plain monospace text areas, beside a live
// preview — the server renders the draft with sample data (POST /api/layouts/preview.pdf) on
// "Atualizar prévia" and a moment after the typing stops; the PDF is shown from a blob: URL. A
// template the server refuses (422) is explained at the field, in the server's words.
import { useEffect, useRef, useState } from 'preact/hooks'
import { formatTime } from '../../lib/format.js'
import { fieldMessage, problemOf } from '../../data/problem.js'
import { Field, ProblemNotice } from '../fields.jsx'
import { navigate } from '../../lib/router.js'
import { kindLabel, LAYOUT_KINDS, layoutPatch } from './layouts.js'
import { createPreviewer } from './preview.js'
import { officeApi } from '../api.js'

const SHOWN = ['name', 'html', 'css', 'kind', 'store_id', 'is_default']

/** The editor's starting point: the layout itself, or for a new one a copy of its kind's default. */
async function loadDraft(store, id, kind) {
  if (id) {
    const layout = await officeApi.get(`/api/layouts/${id}`)
    return { saved: layout, draft: { name: layout.name, html: layout.html, css: layout.css, kind: layout.kind, store_id: layout.store_id } }
  }
  const chosen = LAYOUT_KINDS.some(([k]) => k === kind) ? kind : LAYOUT_KINDS[0][0]
  const layouts = await officeApi.get(`/api/layouts?store_id=${store.id}&kind=${chosen}`)
  const base = layouts.find((l) => l.is_default) || layouts[0]
  return {
    saved: null,
    draft: { name: '', html: base?.html || '', css: base?.css || '', kind: chosen, store_id: store.id, is_default: false },
  }
}

function usePreview() {
  const [state, setState] = useState({ status: 'idle', blob: null, error: null, stale: false })
  const [url, setUrl] = useState(null)
  const [at, setAt] = useState(null)
  const previewer = useRef(null)
  if (!previewer.current) {
    previewer.current = createPreviewer({
      render: (draft, signal) =>
        officeApi.postForBlob('/api/layouts/preview.pdf', { store_id: draft.store_id, kind: draft.kind, html: draft.html, css: draft.css }, { signal }),
      onChange: setState,
    })
  }
  useEffect(() => () => previewer.current.dispose(), [])
  useEffect(() => {
    if (!state.blob) return undefined
    const next = URL.createObjectURL(state.blob)
    setUrl(next)
    setAt(new Date().toISOString())
    return () => URL.revokeObjectURL(next)
  }, [state.blob])
  return { state, url, at, previewer: previewer.current }
}

export function LayoutEditor({ store, id, kind }) {
  const [saved, setSaved] = useState(null)
  const [initial, setInitial] = useState(null)
  const [draft, setDraft] = useState(null)
  const [loadError, setLoadError] = useState(null)
  const [saveProblem, setSaveProblem] = useState(null)
  const [notice, setNotice] = useState('')
  const [busy, setBusy] = useState(false)
  const { state, url, at, previewer } = usePreview()

  useEffect(() => {
    loadDraft(store, id, kind).then(
      (loaded) => {
        setSaved(loaded.saved)
        setInitial(loaded.draft)
        setDraft(loaded.draft)
        if (loaded.draft.html) previewer.now(loaded.draft)
      },
      (e) => setLoadError(problemOf(e).message),
    )
    // eslint-disable-next-line react-hooks/exhaustive-deps -- load again only for another layout, kind or store; the previewer is stable
  }, [id, kind, store.id])

  // Unsaved work asks before the tab is closed or reloaded.
  const dirty = Boolean(draft) && Object.keys(layoutPatch(saved || initial, draft)).length > 0
  useEffect(() => {
    if (!dirty) return undefined
    const warn = (event) => {
      event.preventDefault()
      event.returnValue = ''
    }
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [dirty])

  if (loadError)
    return (
      <p class="notice notice-error" role="alert">
        {loadError}
      </p>
    )
  if (!draft) return <p role="status">Carregando o layout…</p>

  const edit = (name) => (event) => {
    const next = { ...draft, [name]: event.currentTarget.value }
    setDraft(next)
    setNotice('')
    if (name === 'html' || name === 'css') previewer.schedule(next)
  }
  const refresh = () => previewer.now(draft)

  const save = async (event) => {
    event.preventDefault()
    setBusy(true)
    setSaveProblem(null)
    setNotice('')
    try {
      if (saved) {
        const body = layoutPatch(saved, draft)
        if (!Object.keys(body).length) {
          setNotice('Nada a salvar: o layout não mudou.')
          return
        }
        const layout = await officeApi.patch(`/api/layouts/${saved.id}`, body)
        setSaved(layout)
        setNotice('Layout salvo.')
      } else {
        const layout = await officeApi.post('/api/layouts', { ...draft, name: draft.name.trim() })
        navigate(`/escritorio/admin/layouts/${layout.id}`, { replace: true })
      }
    } catch (error) {
      setSaveProblem(problemOf(error))
    } finally {
      setBusy(false)
    }
  }
  const makeDefault = async () => {
    setSaveProblem(null)
    try {
      setSaved(await officeApi.patch(`/api/layouts/${saved.id}`, { is_default: true }))
      setNotice(`Este passa a ser o layout padrão de ${kindLabel(saved.kind)}.`)
    } catch (error) {
      setSaveProblem(problemOf(error))
    }
  }

  // The messages at the fields: the save's, else the preview's (both are the server's checks).
  const previewProblem = state.status === 'error' ? problemOf(state.error) : null
  const problem = saveProblem || previewProblem
  const errors = problem?.fields || {}
  const templateError = fieldMessage(errors, 'html') || fieldMessage(errors, 'css')

  return (
    <>
      <div class="screen-head">
        <h1 class="screen-title">
          {saved ? `Layout “${saved.name}”` : 'Novo layout'} <span class="muted small">{kindLabel(draft.kind)}</span>
        </h1>
        <a href="/escritorio/admin/layouts" class="btn btn-ghost">
          Voltar aos layouts
        </a>
      </div>
      <div class="layout-editor">
        <form class="card form office-form layout-form" onSubmit={save} noValidate aria-label="Editor do layout">
          <ProblemNotice problem={saveProblem} shown={SHOWN} />
          {notice && (
            <p class="notice notice-ok" role="status">
              {notice}
            </p>
          )}
          <div class="layout-meta">
            <Field label="Nome" path="name" errors={saveProblem?.fields} value={draft.name} onInput={edit('name')} required maxLength={120} />
            {saved ? (
              saved.is_default ? (
                <span class="chip chip-done">Padrão</span>
              ) : (
                <button type="button" class="btn btn-small" onClick={makeDefault}>
                  Tornar padrão
                </button>
              )
            ) : (
              <label class="check">
                <input type="checkbox" checked={draft.is_default} onChange={(e) => setDraft({ ...draft, is_default: e.currentTarget.checked })} /> Usar como
                padrão
              </label>
            )}
          </div>
          <Field
            label="HTML (modelo Jinja)"
            path="html"
            errors={errors}
            as="textarea"
            class="code-field"
            value={draft.html}
            onInput={edit('html')}
            rows={18}
            spellcheck={false}
            autocapitalize="off"
            autocomplete="off"
            wrap="off"
            hint="Os dados do documento aparecem como {{ variavel }}; imagens só como assistec:logo, assistec:static/… ou data:."
          />
          <Field
            label="CSS"
            path="css"
            errors={errors}
            as="textarea"
            class="code-field"
            value={draft.css}
            onInput={edit('css')}
            rows={10}
            spellcheck={false}
            autocapitalize="off"
            autocomplete="off"
            wrap="off"
          />
          <div class="form-actions">
            <button type="button" class="btn" onClick={refresh} disabled={state.status === 'loading'}>
              Atualizar prévia
            </button>
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {busy ? 'Salvando…' : saved ? 'Salvar' : 'Criar layout'}
            </button>
          </div>
        </form>
        <section class="card layout-preview" aria-labelledby="preview-title">
          <div class="screen-head">
            <h2 id="preview-title">Prévia</h2>
            <p class="muted small preview-status" role="status" data-testid="preview-status">
              {state.status === 'loading'
                ? 'Gerando a prévia…'
                : state.status === 'error'
                  ? state.stale
                    ? 'Prévia desatualizada: corrija o modelo.'
                    : 'Sem prévia: corrija o modelo.'
                  : at
                    ? `Atualizada às ${formatTime(at, store.timezone)}`
                    : ''}
            </p>
          </div>
          {previewProblem && (
            <div class="notice notice-error" role="alert" data-testid="preview-error">
              <p>{templateError || previewProblem.message}</p>
            </div>
          )}
          {url ? (
            <>
              <iframe class={`preview-frame${state.stale ? ' is-stale' : ''}`} src={url} title="Prévia do documento em PDF (dados de exemplo)" />
              <p class="small">
                <a href={url} target="_blank" rel="noopener">
                  Abrir a prévia em outra aba
                </a>
              </p>
            </>
          ) : (
            <p class="muted">A prévia aparece aqui, com dados de exemplo.</p>
          )}
        </section>
      </div>
    </>
  )
}
