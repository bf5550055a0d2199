// Importar: a CSV or XLSX export of the sales system. "Verificar" asks the server for a preview
// (what would be created or updated and every bad line, in pt-BR; nothing written); "Importar"
// sends the same file as a job and polls it for the progress bar and the result.
import { useEffect, useRef, useState } from 'preact/hooks'
import { problemOf } from '../../data/problem.js'
import { officeApi } from '../api.js'
import './records.css'

const POLL_MS = 1000
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const typeOf = (file) => (/\.xlsx$/i.test(file.name) ? XLSX : 'text/csv')

function LineErrors({ errors }) {
  if (!errors?.length) return null
  return (
    <div class="table-wrap">
      <table class="table" data-testid="import-errors">
        <caption>Linhas com erro</caption>
        <thead>
          <tr>
            <th scope="col">Linha</th>
            <th scope="col">Coluna</th>
            <th scope="col">Erro</th>
          </tr>
        </thead>
        <tbody>
          {errors.map((e, i) => (
            <tr key={i}>
              <td>{e.line ?? '—'}</td>
              <td>{e.column || '—'}</td>
              <td>{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Preview({ preview }) {
  return (
    <section class="card" aria-labelledby="preview-title" data-testid="import-preview">
      <h2 id="preview-title">Verificação</h2>
      <p>
        {preview.rows} {preview.rows === 1 ? 'linha' : 'linhas'}: clientes {preview.customers.new} novos e {preview.customers.updated} atualizados; contratos{' '}
        {preview.contracts.new} novos e {preview.contracts.updated} atualizados; {preview.items} itens.
      </p>
      {preview.new_factories.length > 0 && <p>Fábricas que serão cadastradas: {preview.new_factories.join(', ')}.</p>}
      {preview.ignored_columns.length > 0 && <p class="muted">Colunas ignoradas: {preview.ignored_columns.join(', ')}.</p>}
      {preview.valid ? (
        <p class="notice notice-ok">Nenhum erro: o arquivo pode ser importado.</p>
      ) : (
        <p class="notice notice-error" role="alert">
          {preview.errors.length} {preview.errors.length === 1 ? 'erro' : 'erros'}: corrija o arquivo e verifique de novo. Nada foi gravado.
        </p>
      )}
      <LineErrors errors={preview.errors} />
    </section>
  )
}

function Progress({ job }) {
  const total = job.total_rows || 0
  const done = job.status === 'done' ? total : job.processed_rows || 0
  return (
    <section class="card" aria-labelledby="job-title" data-testid="import-job">
      <h2 id="job-title">Importação</h2>
      <label>
        {job.status === 'done' ? 'Concluída' : job.status === 'failed' ? 'Falhou' : 'Importando…'} ({done} de {total} linhas)
        <progress class="progress" max={total || 1} value={done} />
      </label>
      {job.status === 'done' && (
        <p class="notice notice-ok" role="status" data-testid="import-result">
          Importação concluída: {job.summary.customers ?? 0} clientes, {job.summary.contracts ?? 0} contratos, {job.summary.items_new ?? 0} itens novos e{' '}
          {job.summary.items_updated ?? 0} atualizados. <a href="/escritorio/clientes">Ver clientes</a>
        </p>
      )}
      {job.status === 'failed' && (
        <p class="notice notice-error" role="alert">
          Nada foi gravado.
        </p>
      )}
      <LineErrors errors={job.errors} />
    </section>
  )
}

export function Import({ user }) {
  const stores = user.stores || []
  const [storeId, setStoreId] = useState(stores[0]?.id)
  const [file, setFile] = useState(null)
  const [preview, setPreview] = useState(null)
  const [job, setJob] = useState(null)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const timer = useRef(0)
  useEffect(() => {
    document.title = 'Importar — Assistec'
    return () => clearTimeout(timer.current)
  }, [])

  const send = async (path) => officeApi.postFile(path, await file.arrayBuffer(), { 'Content-Type': typeOf(file) })
  async function check() {
    setBusy(true)
    setError('')
    setPreview(null)
    setJob(null)
    try {
      setPreview(await send(`/api/imports/preview?store_id=${storeId}`))
    } catch (e) {
      setError(problemOf(e).message)
    }
    setBusy(false)
  }
  function poll(id) {
    officeApi.get(`/api/imports/${id}`).then(
      (current) => {
        setJob(current)
        if (current.status === 'queued' || current.status === 'running') timer.current = setTimeout(() => poll(id), POLL_MS)
        else setBusy(false)
      },
      (e) => (setError(problemOf(e).message), setBusy(false)),
    )
  }
  async function start() {
    setBusy(true)
    setError('')
    try {
      const started = await send(`/api/imports?store_id=${storeId}&filename=${encodeURIComponent(file.name)}`)
      setJob(started)
      poll(started.id)
    } catch (e) {
      setError(problemOf(e).message)
      setBusy(false)
    }
  }
  return (
    <>
      <div class="screen-head">
        <h1 class="screen-title">Importar clientes e contratos</h1>
      </div>
      <form class="card form office-form" onSubmit={(e) => (e.preventDefault(), file && check())}>
        <p class="muted">
          Um arquivo CSV ou XLSX exportado do sistema de vendas, uma linha por item do contrato. Colunas obrigatórias: CPF/CNPJ, Cliente e Contrato.
        </p>
        {stores.length > 1 && (
          <label>
            Loja
            <select value={String(storeId)} onChange={(e) => setStoreId(Number(e.currentTarget.value))}>
              {stores.map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Arquivo (CSV ou XLSX)
          <input
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            data-testid="import-file"
            onChange={(e) => (setFile(e.currentTarget.files?.[0] || null), setPreview(null), setJob(null), setError(''))}
          />
        </label>
        <div class="form-actions">
          <button type="submit" class="btn" disabled={!file || busy}>
            Verificar arquivo
          </button>
          <button type="button" class="btn btn-primary" disabled={!file || busy || !preview?.valid} onClick={start}>
            Importar
          </button>
        </div>
      </form>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {preview && !job && <Preview preview={preview} />}
      {job && <Progress job={job} />}
    </>
  )
}
