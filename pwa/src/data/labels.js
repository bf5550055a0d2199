// The pt-BR labels of the API's codes: the server's `GET /api/meta` document, built into the app
// (scripts/export_meta.py writes meta.json; tests/test_meta.py keeps it equal to the server's), so
// that a phone offline — even before its first sync — names what it creates as the server will.
import meta from './meta.json'

/** @typedef {Record<string, string>} Labels code → label, in the server's order */

/** @type {Record<keyof typeof meta, Labels>} */
export const LABELS = meta

/** Modalidade (who pays). */
export const PAYERS = LABELS.payer
export const ACTIONS = LABELS.item_action
export const VISIT_STATUS = LABELS.appointment_status

/**
 * The label of `code` in the enum `kind`; the code itself for one this build does not know yet.
 * @param {keyof typeof meta} kind
 * @param {string} code
 */
export const labelOf = (kind, code) => LABELS[kind]?.[code] ?? code

/**
 * [code, label] pairs for a <select>, in the server's order.
 * @param {keyof typeof meta} kind
 * @returns {[string, string][]}
 */
export const choicesOf = (kind) => Object.entries(LABELS[kind])
