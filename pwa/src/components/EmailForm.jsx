// "Enviar por e-mail" of a document, in both apps: the server's pre-filled recipients, subject and
// message, editable; a refusal is shown at the field it concerns, in the server's words.
import { useRef, useState } from 'preact/hooks'
import { parseRecipients, recipientErrors } from '../data/email.js'
import { problemOf } from '../data/problem.js'
import { Field, FormActions, ProblemNotice } from './fields.jsx'

const NO_PROBLEM = { message: '', fields: {}, status: 0 }
const NO_RECIPIENT = { message: 'Informe ao menos um e-mail.', fields: { recipients: ['Informe ao menos um e-mail.'] }, status: 0 }

/**
 * `defaults`: {recipients: string[], subject, message}; `send({recipients, subject, message})`
 * queues it (recipients parsed, once each) and answers what `onSent` gets.
 */
export function EmailForm({ id, label, defaults, send, onSent, onCancel }) {
  const [email, setEmail] = useState({ recipients: defaults.recipients.join(', '), subject: defaults.subject, message: defaults.message })
  const [problem, setProblem] = useState(NO_PROBLEM)
  const [busy, setBusy] = useState(false)
  const summary = useRef(null)
  const set = (name) => (event) => setEmail({ ...email, [name]: event.currentTarget.value })
  const fields = recipientErrors(problem.fields)
  const path = (name) => `${id}.${name}`
  const errorsOf = (name) => ({ [path(name)]: fields[name] })

  async function submit(event) {
    event.preventDefault()
    const recipients = parseRecipients(email.recipients)
    const refuse = (found) => {
      setProblem(found)
      requestAnimationFrame(() => summary.current?.focus())
    }
    if (!recipients.length) return refuse(NO_RECIPIENT)
    setBusy(true)
    try {
      onSent(await send({ recipients, subject: email.subject.trim(), message: email.message }))
    } catch (error) {
      setBusy(false)
      refuse(problemOf(error))
    }
  }
  const shown = ['recipients', 'subject', 'message', ...Object.keys(fields).filter((p) => p.startsWith('recipients.'))]
  return (
    <form class="form office-form email-form" onSubmit={submit} noValidate data-testid="email-form" aria-label={label}>
      <ProblemNotice problem={problem} shown={shown} noticeRef={summary} />
      <Field
        label="Destinatários"
        path={path('recipients')}
        errors={errorsOf('recipients')}
        inputMode="email"
        value={email.recipients}
        onInput={set('recipients')}
        hint="Separe os endereços por vírgula."
      />
      <Field label="Assunto" path={path('subject')} errors={errorsOf('subject')} maxLength={200} value={email.subject} onInput={set('subject')} />
      <Field
        label="Mensagem"
        path={path('message')}
        errors={errorsOf('message')}
        as="textarea"
        rows={6}
        maxLength={5000}
        value={email.message}
        onInput={set('message')}
      />
      <FormActions busy={busy} busyText="Enviando…" onCancel={onCancel}>
        Enviar
      </FormActions>
    </form>
  )
}
