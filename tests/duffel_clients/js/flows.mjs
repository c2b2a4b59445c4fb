#!/usr/bin/env node
// Whole booking flows through the official Duffel JavaScript client (@duffel/api),
// pointed at a farebridge serving the Duffel dialect.
//
//   node flows.mjs <flow> [base_url] [token]
//   DUFFEL_BASE_URL=http://127.0.0.1:8000/duffel DUFFEL_ACCESS_TOKEN=fbk_… node flows.mjs <flow>
//
// Flows: book_and_cancel, hold_and_pay, update_metadata, change, errors, reference_data,
// webhooks.
//
// Prints one JSON object on stdout: {flow, ok, client, base_path, checks[], results{}}.
// On the first failed check it prints {…, ok: false, failed: {step, message, error,
// last_request}} and exits 1. Every API call goes through the client's own methods; the
// client's verbose log (endpoint, method, body, query) is kept in memory so a failure
// can say exactly what was sent.

import http from 'node:http'
import { createRequire } from 'node:module'
import { Duffel, DuffelError } from '@duffel/api'

const require = createRequire(import.meta.url)
const CLIENT_VERSION = require('@duffel/api/package.json').version

const FLOWS = {
  book_and_cancel: bookAndCancel,
  hold_and_pay: holdAndPay,
  update_metadata: updateMetadata,
  change: change,
  errors: errors,
  reference_data: referenceData,
  webhooks: webhooks,
}

const TICKET_WAIT_MS = 60_000

// --- reporting ----------------------------------------------------------------

class CheckFailed extends Error {
  constructor(step, message, extra = {}) {
    super(message)
    this.step = step
    this.extra = extra
  }
}

const report = { flow: null, ok: false, client: `@duffel/api@${CLIENT_VERSION}`, checks: [], results: {} }
const trace = [] // the client's verbose log, one entry per request
let currentStep = 'start'

function step(name) {
  currentStep = name
}

function check(name, condition, detail) {
  report.checks.push({ step: currentStep, check: name, ok: Boolean(condition) })
  if (!condition) {
    throw new CheckFailed(currentStep, `check failed: ${name}`, { detail })
  }
}

function result(key, value) {
  report.results[key] = value
}

function describeError(error) {
  if (error instanceof DuffelError) {
    return { kind: 'DuffelError', status: error.status, meta: error.meta ?? null, errors: error.errors ?? null }
  }
  return { kind: error?.constructor?.name ?? typeof error, message: String(error?.message ?? error), stack: error?.stack?.split('\n').slice(0, 6) }
}

// Run a client call as a named step; anything thrown becomes a failure of that step.
async function call(name, fn) {
  step(name)
  try {
    return await fn()
  } catch (error) {
    if (error instanceof CheckFailed) throw error
    throw new CheckFailed(name, `the client call failed: ${error?.message || error?.errors?.[0]?.message || error}`, {
      error: describeError(error),
    })
  }
}

// A call that must fail with a Duffel error; returns the DuffelError.
async function expectError(name, fn) {
  step(name)
  let response
  try {
    response = await fn()
  } catch (error) {
    if (!(error instanceof DuffelError)) {
      throw new CheckFailed(name, `expected a DuffelError, the client threw ${error?.constructor?.name}: ${error?.message}`, {
        error: describeError(error),
      })
    }
    return error
  }
  throw new CheckFailed(name, `expected an error, got HTTP ${response?.status}`, { response: response?.data ?? null })
}

function checkErrorShape(error, { status, code }) {
  const first = error.errors?.[0]
  const shape = {
    status: error.status,
    meta: error.meta ?? null,
    first_error: first ?? null,
  }
  check('the error body has errors[0]', first && typeof first === 'object', shape)
  for (const key of ['type', 'code', 'title', 'message']) {
    check(`errors[0].${key} is a non-empty string`, typeof first[key] === 'string' && first[key].length > 0, shape)
  }
  check('meta.request_id is a non-empty string', typeof error.meta?.request_id === 'string' && error.meta.request_id.length > 0, shape)
  check('meta.status is the HTTP status', error.meta?.status === error.status, shape)
  if (status !== undefined) {
    const statuses = Array.isArray(status) ? status : [status]
    check(`HTTP status is ${statuses.join(' or ')}`, statuses.includes(error.status), shape)
  }
  if (code !== undefined) {
    check(`errors[0].code is ${code}`, first.code === code, shape)
  }
  return { status: error.status, type: first.type, code: first.code, title: first.title, request_id: error.meta.request_id }
}

// --- money: decimal strings, exactly ---------------------------------------------

function decimals(amount) {
  const dot = amount.indexOf('.')
  return dot < 0 ? 0 : amount.length - dot - 1
}

function toMinor(amount, places) {
  const [whole, fraction = ''] = amount.split('.')
  const negative = whole.startsWith('-')
  const digits = `${whole.replace('-', '')}${fraction.padEnd(places, '0')}`
  const value = BigInt(digits)
  return negative ? -value : value
}

function fromMinor(value, places) {
  const negative = value < 0n
  const digits = (negative ? -value : value).toString().padStart(places + 1, '0')
  const text = places ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits
  return negative ? `-${text}` : text
}

function addAmounts(...amounts) {
  const places = Math.max(...amounts.map(decimals))
  return fromMinor(amounts.reduce((sum, a) => sum + toMinor(a, places), 0n), places)
}

function sameAmount(a, b) {
  const places = Math.max(decimals(a), decimals(b))
  return toMinor(a, places) === toMinor(b, places)
}

function compareAmounts(a, b) {
  const places = Math.max(decimals(a), decimals(b))
  const [x, y] = [toMinor(a, places), toMinor(b, places)]
  return x < y ? -1 : x > y ? 1 : 0
}

function isPositive(amount) {
  return toMinor(amount, decimals(amount)) > 0n
}

// --- dates --------------------------------------------------------------------------

function daysAhead(days) {
  const date = new Date(Date.now() + days * 86_400_000)
  return date.toISOString().slice(0, 10)
}

function addDays(isoDate, days) {
  const date = new Date(`${isoDate}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// --- shared steps ----------------------------------------------------------------------

function passengerDetails(offer, index = 0) {
  return offer.passengers.map((p, i) => {
    const details = {
      id: p.id,
      title: 'mr',
      gender: 'm',
      given_name: 'Tony',
      family_name: `Stark${String.fromCharCode(65 + ((index + i) % 26))}`,
      born_on: '1980-07-24',
      email: `tony.${index}.${i}@example.com`,
      phone_number: '+442080160509',
    }
    if (offer.passenger_identity_documents_required) {
      details.identity_documents = [
        { type: 'passport', unique_identifier: `P${String(10000000 + index * 10 + i)}`, issuing_country_code: 'GB', expires_on: '2034-04-25' },
      ]
    }
    return details
  })
}

async function search(duffel, { origin = 'LHR', destination = 'JFK', date, label = 'search', maxConnections = 1, extra = {} }) {
  const created = await call(`${label}: offerRequests.create`, () =>
    duffel.offerRequests.create({
      slices: [{ origin, destination, departure_date: date, departure_time: null, arrival_time: null }],
      passengers: [{ type: 'adult' }],
      cabin_class: 'economy',
      max_connections: maxConnections,
      return_offers: false,
      ...extra,
    }),
  )
  const request = created.data
  check('offer request has an id', typeof request?.id === 'string' && request.id.length > 0, request)
  check('offer request is created with 201', created.status === 201, { status: created.status })
  check('offer request echoes the slice', request.slices?.[0]?.departure_date === date, request.slices)
  check('return_offers=false: no offers in the response', !request.offers || request.offers.length === 0, {
    offers: request.offers?.length,
  })
  const page = await call(`${label}: offers.list`, () =>
    duffel.offers.list({ offer_request_id: request.id, limit: 50, sort: 'total_amount' }),
  )
  check('offers.list returns offers', Array.isArray(page.data) && page.data.length > 0, { count: page.data?.length, meta: page.meta })
  check('offers.list has meta with the key after', page.meta && 'after' in page.meta, page.meta)
  for (let i = 1; i < page.data.length; i++) {
    const a = page.data[i - 1].total_amount
    const b = page.data[i].total_amount
    if (compareAmounts(a, b) > 0) check('sort=total_amount orders offers by price', false, { a, b })
  }
  return { request, offers: page.data, meta: page.meta }
}

function direct(offer) {
  return offer.slices.every((s) => s.segments.length === 1)
}

function holdable(offer) {
  return offer.payment_requirements?.requires_instant_payment === false
}

async function waitForTickets(duffel, orderId, label) {
  const deadline = Date.now() + TICKET_WAIT_MS
  let order
  let polls = 0
  while (Date.now() < deadline) {
    polls += 1
    order = (await call(`${label}: orders.get (waiting for e-tickets)`, () => duffel.orders.get(orderId))).data
    const tickets = (order.documents ?? []).filter((d) => d.type === 'electronic_ticket')
    if (tickets.length >= order.passengers.length) {
      return { order, tickets, polls }
    }
    await sleep(1000)
  }
  check(`e-tickets within ${TICKET_WAIT_MS / 1000} s`, false, { documents: order?.documents, polls })
}

async function bookInstant(duffel, offer, { services = [], extraAmount = '0', metadata, label = 'book' } = {}) {
  const amount = addAmounts(offer.total_amount, extraAmount)
  const created = await call(`${label}: orders.create (instant)`, () =>
    duffel.orders.create({
      type: 'instant',
      selected_offers: [offer.id],
      passengers: passengerDetails(offer),
      services,
      payments: [{ type: 'balance', currency: offer.total_currency, amount }],
      ...(metadata && { metadata }),
    }),
  )
  const order = created.data
  check('order is created with 201', created.status === 201, { status: created.status })
  check('order has an id', typeof order?.id === 'string' && order.id.length > 0, order)
  check('order has a booking reference', typeof order.booking_reference === 'string' && order.booking_reference.length > 0, order.booking_reference)
  check('order total is offer total + services', sameAmount(order.total_amount, amount), { order: order.total_amount, expected: amount })
  check('order currency is the offer currency', order.total_currency === offer.total_currency, order.total_currency)
  check('instant order is not awaiting payment', order.payment_status?.awaiting_payment === false, order.payment_status)
  return order
}

// --- flows --------------------------------------------------------------------------------

async function bookAndCancel(duffel) {
  const date = daysAhead(30)
  const { request, offers } = await search(duffel, { date, extra: { supplier_timeout: 20000 } })
  result('offer_request_id', request.id)

  // Every page of offers, through the client's own paginator (follows meta.after).
  step('offers.listWithGenerator')
  const seen = new Set()
  try {
    for await (const item of duffel.offers.listWithGenerator({ offer_request_id: request.id, limit: 50 })) {
      if (seen.has(item.data.id)) check('no offer appears twice across pages', false, item.data.id)
      seen.add(item.data.id)
      if (seen.size >= 400) break
    }
  } catch (error) {
    throw new CheckFailed('offers.listWithGenerator', `the paginator failed after ${seen.size} offers: ${error?.message}`, { error: describeError(error) })
  }
  check('listWithGenerator yields every offer of the first page', offers.every((o) => seen.has(o.id)), { seen: seen.size })
  result('offers_seen_by_generator', seen.size)

  const candidate = offers.find(direct) ?? offers[0]
  const got = await call('offers.get (return_available_services)', () =>
    duffel.offers.get(candidate.id, { return_available_services: true }),
  )
  const offer = got.data
  check('offers.get returns the offer', offer.id === candidate.id, offer.id)
  check('offer has available_services', Array.isArray(offer.available_services), offer.available_services)
  check('offer has passengers with ids', offer.passengers?.length === 1 && typeof offer.passengers[0].id === 'string', offer.passengers)
  result('offer', { id: offer.id, total: `${offer.total_amount} ${offer.total_currency}`, owner: offer.owner?.iata_code, available_services: offer.available_services.length })

  const maps = (await call('seatMaps.get', () => duffel.seatMaps.get({ offer_id: offer.id }))).data
  check('seatMaps.get returns a list', Array.isArray(maps), maps)
  const segmentIds = offer.slices.flatMap((s) => s.segments.map((g) => g.id))
  check('seat maps are for the offer\'s segments', maps.length > 0 && maps.every((m) => segmentIds.includes(m.segment_id)), {
    segments: segmentIds,
    maps: maps.map((m) => m.segment_id),
  })
  const passengerId = offer.passengers[0].id
  let seat
  for (const cabin of maps[0].cabins) {
    for (const row of cabin.rows) {
      for (const section of row.sections) {
        for (const element of section.elements) {
          const service = element.type === 'seat' && element.available_services?.find((s) => s.passenger_id === passengerId)
          if (service && !seat) seat = { designator: element.designator, service }
        }
      }
    }
  }
  check('the seat map has an available seat for the passenger', Boolean(seat), { segment_id: maps[0].segment_id })
  result('seat', { designator: seat.designator, price: `${seat.service.total_amount} ${seat.service.total_currency}` })

  const order = await bookInstant(duffel, offer, {
    services: [{ id: seat.service.id, quantity: 1 }],
    extraAmount: seat.service.total_amount,
    metadata: { flow: 'book_and_cancel' },
    label: 'book',
  })
  const seatService = (order.services ?? []).find((s) => s.type === 'seat')
  check('order has the seat service', Boolean(seatService), order.services)
  check('order seat service is the chosen seat', seatService.metadata?.designator === seat.designator, seatService.metadata)
  result('order', { id: order.id, booking_reference: order.booking_reference, total: `${order.total_amount} ${order.total_currency}` })

  const { tickets, polls } = await waitForTickets(duffel, order.id, 'book')
  check('one e-ticket per passenger', tickets.length === 1, tickets)
  result('tickets', { count: tickets.length, polls })

  const listed = await call('orders.list', () => duffel.orders.list({ limit: 50 }))
  check('orders.list includes the order', listed.data.some((o) => o.id === order.id), listed.data.map((o) => o.id))
  check('orders.list has meta with the key after', listed.meta && 'after' in listed.meta, listed.meta)

  const quote = (await call('orderCancellations.create', () => duffel.orderCancellations.create({ order_id: order.id }))).data
  check('cancellation quote has an id', typeof quote.id === 'string' && quote.id.length > 0, quote)
  check('cancellation quote is for the order', quote.order_id === order.id, quote.order_id)
  check('cancellation quote is not confirmed', !quote.confirmed_at, quote.confirmed_at)
  check('cancellation quote has refund_to', typeof quote.refund_to === 'string', quote.refund_to)
  check('cancellation quote has expires_at', typeof quote.expires_at === 'string', quote.expires_at)
  result('cancellation_quote', { id: quote.id, refund: `${quote.refund_amount} ${quote.refund_currency}`, refund_to: quote.refund_to })

  const fetched = (await call('orderCancellations.get', () => duffel.orderCancellations.get(quote.id))).data
  check('orderCancellations.get returns the quote', fetched.id === quote.id, fetched.id)
  const cancellations = await call('orderCancellations.list', () => duffel.orderCancellations.list({ order_id: order.id }))
  check('orderCancellations.list includes the quote', cancellations.data.some((c) => c.id === quote.id), cancellations.data.map((c) => c.id))

  const confirmed = (await call('orderCancellations.confirm', () => duffel.orderCancellations.confirm(quote.id))).data
  check('confirmed cancellation has confirmed_at', typeof confirmed.confirmed_at === 'string', confirmed.confirmed_at)

  const cancelled = (await call('orders.get (after cancellation)', () => duffel.orders.get(order.id))).data
  check('order has cancelled_at', typeof cancelled.cancelled_at === 'string', cancelled.cancelled_at)
  result('cancelled_at', cancelled.cancelled_at)
}

// orders.update(id, {metadata}) on its own, so a gap here hides no other step.
async function updateMetadata(duffel) {
  const { offers } = await search(duffel, { date: daysAhead(33) })
  const offer = offers.find(holdable)
  check('a search offers a fare that can be held', Boolean(offer), { offers: offers.length })
  const held = (await call('orders.create (hold, with metadata)', () =>
    duffel.orders.create({ type: 'hold', selected_offers: [offer.id], passengers: passengerDetails(offer, 4), metadata: { flow: 'update_metadata' } }),
  )).data
  check('the order has the metadata it was created with', held.metadata?.flow === 'update_metadata', held.metadata)
  const updated = await call('orders.update (metadata)', () =>
    duffel.orders.update(held.id, { metadata: { flow: 'update_metadata', customer_ref: 'CR-1' } }),
  )
  check('orders.update returns the order', updated.data.id === held.id, updated.data.id)
  check('orders.update sets the metadata', updated.data.metadata?.customer_ref === 'CR-1', updated.data.metadata)
  const reread = (await call('orders.get (after update)', () => duffel.orders.get(held.id))).data
  check('the metadata is stored', reread.metadata?.customer_ref === 'CR-1', reread.metadata)
  result('order', { id: held.id, metadata: reread.metadata })
}

async function holdAndPay(duffel) {
  const date = daysAhead(31)
  const { offers } = await search(duffel, { date })
  const offer = offers.find((o) => holdable(o) && direct(o)) ?? offers.find(holdable)
  check('a search offers a fare that can be held', Boolean(offer), { offers: offers.length })

  // The official typings name the hold type 'pay_later' (CreateOrder.type: 'instant' | 'pay_later').
  const created = await call('orders.create (pay_later, no payments)', () =>
    duffel.orders.create({
      type: 'pay_later',
      selected_offers: [offer.id],
      passengers: passengerDetails(offer, 1),
    }),
  )
  const held = created.data
  check('hold order is created with 201', created.status === 201, { status: created.status })
  check('hold order is awaiting payment', held.payment_status?.awaiting_payment === true, held.payment_status)
  check('hold order has payment_required_by', typeof held.payment_status?.payment_required_by === 'string', held.payment_status)
  check('hold order has no e-tickets yet', (held.documents ?? []).length === 0, held.documents)
  result('order', { id: held.id, total: `${held.total_amount} ${held.total_currency}`, payment_status: held.payment_status })

  const awaiting = await call('orders.list (awaiting_payment=true)', () => duffel.orders.list({ awaiting_payment: true }))
  check('orders awaiting payment include the hold', awaiting.data.some((o) => o.id === held.id), awaiting.data.map((o) => o.id))
  check('orders awaiting payment are all unpaid', awaiting.data.every((o) => o.payment_status?.awaiting_payment === true))

  const latest = (await call('orders.get (latest price)', () => duffel.orders.get(held.id))).data
  const paid = await call('payments.create', () =>
    duffel.payments.create({
      order_id: held.id,
      payment: { type: 'balance', amount: latest.total_amount, currency: latest.total_currency },
    }),
  )
  const payment = paid.data
  check('payment is created with 201', paid.status === 201, { status: paid.status })
  check('payment has an id', typeof payment.id === 'string' && payment.id.length > 0, payment)
  check('payment amount is the order total', sameAmount(payment.amount, latest.total_amount), payment)
  check('payment type is balance', payment.type === 'balance', payment.type)
  result('payment', { id: payment.id, amount: `${payment.amount} ${payment.currency}` })

  const { order, tickets, polls } = await waitForTickets(duffel, held.id, 'after payment')
  check('paid order is no longer awaiting payment', order.payment_status?.awaiting_payment === false, order.payment_status)
  result('tickets', { count: tickets.length, polls })
}

async function change(duffel) {
  const date = daysAhead(32)
  const { request } = await search(duffel, { date })
  // The cheapest fares are seldom changeable: read the pages until a changeable one.
  const changeable = (o) => o.conditions?.change_before_departure?.allowed === true
  step('offers.listWithGenerator (a changeable fare)')
  let offer
  let read = 0
  for await (const item of duffel.offers.listWithGenerator({ offer_request_id: request.id, limit: 100, sort: 'total_amount' })) {
    read += 1
    if (changeable(item.data) && direct(item.data)) {
      offer = item.data
      break
    }
  }
  check('a search offers a changeable direct fare', Boolean(offer), { offers_read: read })
  const order = await bookInstant(duffel, offer, { label: 'book' })
  await waitForTickets(duffel, order.id, 'book')
  const slice = order.slices[0]
  const newDate = addDays(date, 2)
  result('order', { id: order.id, slice_id: slice.id, from: date, to: newDate })

  const createdRequest = await call('orderChangeRequests.create', () =>
    duffel.orderChangeRequests.create({
      order_id: order.id,
      slices: {
        remove: [{ slice_id: slice.id }],
        add: [{ origin: slice.origin.iata_code, destination: slice.destination.iata_code, departure_date: newDate, cabin_class: 'economy' }],
      },
    }),
  )
  const changeRequest = createdRequest.data
  check('order change request has an id', typeof changeRequest.id === 'string' && changeRequest.id.length > 0, changeRequest)
  check('order change request is for the order', changeRequest.order_id === order.id, changeRequest.order_id)

  let changeOffers = []
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const again = (await call('orderChangeRequests.get', () => duffel.orderChangeRequests.get(changeRequest.id))).data
    changeOffers = again.order_change_offers ?? []
    if (changeOffers.length) break
    await sleep(1000)
  }
  check('the change request has order change offers', changeOffers.length > 0, { order_change_offers: changeOffers.length })

  const listed = await call('orderChangeOffers.list', () =>
    duffel.orderChangeOffers.list({ order_change_request_id: changeRequest.id }),
  )
  check('orderChangeOffers.list returns offers', listed.data.length > 0, { count: listed.data.length, meta: listed.meta })
  const onNewDate = (o) => o.slices?.add?.[0]?.segments?.[0]?.departing_at?.startsWith(newDate)
  const chosen = listed.data.find(onNewDate) ?? listed.data[0]
  check('a change offer departs on the new date', onNewDate(chosen), chosen.slices?.add?.[0]?.segments?.[0])
  const offerAgain = (await call('orderChangeOffers.get', () => duffel.orderChangeOffers.get(chosen.id))).data
  check('orderChangeOffers.get returns the offer', offerAgain.id === chosen.id, offerAgain.id)
  result('change_offer', { id: chosen.id, change_total: `${chosen.change_total_amount} ${chosen.change_total_currency}`, new_total: `${chosen.new_total_amount} ${chosen.new_total_currency}` })

  const pending = (await call('orderChanges.create', () =>
    duffel.orderChanges.create({ selected_order_change_offer: chosen.id }),
  )).data
  check('order change has an id', typeof pending.id === 'string' && pending.id.length > 0, pending)
  check('order change is not confirmed yet', !pending.confirmed_at, pending.confirmed_at)
  const fetched = (await call('orderChanges.get', () => duffel.orderChanges.get(pending.id))).data
  check('orderChanges.get returns the change', fetched.id === pending.id, fetched.id)

  const due = pending.change_total_amount
  const payment = isPositive(due) ? { payment: { type: 'balance', amount: due, currency: pending.change_total_currency } } : {}
  const confirmed = (await call(`orderChanges.confirm (${isPositive(due) ? `paying ${due}` : 'nothing to pay'})`, () =>
    duffel.orderChanges.confirm(pending.id, payment),
  )).data
  check('confirmed change has confirmed_at', typeof confirmed.confirmed_at === 'string', confirmed.confirmed_at)
  result('order_change', { id: confirmed.id, paid: payment.payment?.amount ?? null })

  const changed = (await call('orders.get (after change)', () => duffel.orders.get(order.id))).data
  const departing = changed.slices?.[0]?.segments?.[0]?.departing_at
  check('the order now departs on the new date', departing?.startsWith(newDate), { departing_at: departing })
  check('the order total is the change offer new total', sameAmount(changed.total_amount, chosen.new_total_amount), {
    order: changed.total_amount,
    new_total: chosen.new_total_amount,
  })
}

async function errors(duffel, ctx) {
  const shapes = {}

  const notFound = await expectError('offers.get (unknown id)', () => duffel.offers.get('off_0000AAAAAAAAAAAAAAAAAAAAAA'))
  shapes.not_found = checkErrorShape(notFound, { status: 404 })

  const date = daysAhead(40)
  const { offers } = await search(duffel, { date })
  const offer = offers.find((o) => holdable(o) && direct(o)) ?? offers.find(holdable)
  check('a search offers a fare that can be held', Boolean(offer))

  // Instant order paid the wrong amount.
  const wrong = addAmounts(offer.total_amount, '1.00')
  const badInstant = await expectError('orders.create (instant, wrong amount)', () =>
    duffel.orders.create({
      type: 'instant',
      selected_offers: [offer.id],
      passengers: passengerDetails(offer, 2),
      payments: [{ type: 'balance', currency: offer.total_currency, amount: wrong }],
    }),
  )
  shapes.instant_wrong_amount = checkErrorShape(badInstant, { code: 'payment_amount_does_not_match_order_amount' })

  // A hold ('hold', Duffel's documented value) paid the wrong amount, then the right one, then again.
  const held = (await call('orders.create (hold)', () =>
    duffel.orders.create({ type: 'hold', selected_offers: [offer.id], passengers: passengerDetails(offer, 3), services: [] }),
  )).data
  check('hold order is awaiting payment', held.payment_status?.awaiting_payment === true, held.payment_status)
  const badPayment = await expectError('payments.create (wrong amount)', () =>
    duffel.payments.create({ order_id: held.id, payment: { type: 'balance', amount: addAmounts(held.total_amount, '-1.00'), currency: held.total_currency } }),
  )
  shapes.payment_wrong_amount = checkErrorShape(badPayment, { code: 'payment_amount_does_not_match_order_amount' })
  await call('payments.create (right amount)', () =>
    duffel.payments.create({ order_id: held.id, payment: { type: 'balance', amount: held.total_amount, currency: held.total_currency } }),
  )
  const twice = await expectError('payments.create (already paid)', () =>
    duffel.payments.create({ order_id: held.id, payment: { type: 'balance', amount: held.total_amount, currency: held.total_currency } }),
  )
  shapes.already_paid = checkErrorShape(twice, { code: 'already_paid' })

  // Sold out, for real: book a nearly full flight's last seats through the client.
  shapes.sold_out_last_seats = await soldOutByBooking(duffel)

  // Sold out and price changed as scripted by the sandbox (Sandbox-Fault header). The
  // client has no option to add a header, so a one-route forwarding proxy adds it.
  const { offers: more } = await search(duffel, { date: daysAhead(41), label: 'search for faults' })
  const target = more.find(direct) ?? more[0]
  const soldOutClient = await faultClient(ctx, 'sold_out')
  const soldOut = await expectError('orders.create via Sandbox-Fault: sold_out', () =>
    soldOutClient.orders.create({
      type: 'instant',
      selected_offers: [target.id],
      passengers: passengerDetails(target, 5),
      payments: [{ type: 'balance', currency: target.total_currency, amount: target.total_amount }],
    }),
  )
  shapes.sold_out_fault = checkErrorShape(soldOut, { code: 'offer_no_longer_available' })

  const repricingClient = await faultClient(ctx, 'price_change')
  const repriced = await expectError('orders.create via Sandbox-Fault: price_change', () =>
    repricingClient.orders.create({
      type: 'instant',
      selected_offers: [target.id],
      passengers: passengerDetails(target, 6),
      payments: [{ type: 'balance', currency: target.total_currency, amount: target.total_amount }],
    }),
  )
  shapes.price_changed = checkErrorShape(repriced, { code: 'price_changed' })
  const after = (await call('offers.get (after price change)', () => duffel.offers.get(target.id))).data
  result('repriced_offer', { before: target.total_amount, after: after.total_amount })

  result('errors', shapes)
}

// Find a nearly full flight through the seat maps (an open seat is a seat with
// available_services), then hold one seat at a time until the airline says no.
async function soldOutByBooking(duffel) {
  let best
  let looked = 0
  // A few flights in eight are nearly full; several dates make finding one certain.
  for (let days = 42; days < 50 && !(best && best.open <= 4); days++) {
    const { request } = await search(duffel, { date: daysAhead(days), maxConnections: 0, label: `search for a nearly full flight (+${days} days)` })
    step('find a nearly full flight (seat maps)')
    const flights = new Map()
    for await (const item of duffel.offers.listWithGenerator({ offer_request_id: request.id, limit: 200 })) {
      const offer = item.data
      if (!direct(offer) || !holdable(offer)) continue
      const segment = offer.slices[0].segments[0]
      const key = `${segment.marketing_carrier?.iata_code}${segment.marketing_carrier_flight_number} ${segment.departing_at}`
      if (!flights.has(key)) flights.set(key, [])
      flights.get(key).push(offer)
    }
    for (const [key, group] of flights) {
      looked += 1
      const maps = (await call('seatMaps.get (counting open seats)', () => duffel.seatMaps.get({ offer_id: group[0].id }))).data
      if (!maps.length) continue
      const cabinClass = group[0].slices[0].segments[0].passengers?.[0]?.cabin_class ?? 'economy'
      let open = 0
      for (const cabin of maps[0].cabins) {
        if (cabin.cabin_class !== cabinClass) continue
        for (const row of cabin.rows) for (const section of row.sections) {
          for (const element of section.elements) if (element.type === 'seat' && element.available_services?.length) open += 1
        }
      }
      if (open > 0 && (!best || open < best.open)) best = { key, open, offers: group }
      if (best && best.open <= 4) break
    }
  }
  check('a nearly full flight exists (≤ 8 open seats)', best && best.open <= 8, { looked, best_open: best?.open })
  // The most flexible fare on it stays on sale longest; book it until it is gone.
  const offer = best.offers.reduce((a, b) => (compareAmounts(b.total_amount, a.total_amount) > 0 ? b : a))
  let attempts = 0
  let refusal
  while (attempts <= best.open) {
    attempts += 1
    step(`orders.create (hold #${attempts} on ${best.key}, ${best.open} seats were open)`)
    try {
      await duffel.orders.create({ type: 'hold', selected_offers: [offer.id], passengers: passengerDetails(offer, 10 + attempts), services: [] })
    } catch (error) {
      if (!(error instanceof DuffelError)) throw new CheckFailed(currentStep, `the client threw ${error?.message}`, { error: describeError(error) })
      refusal = error
      break
    }
  }
  check(`booking is refused within ${best.open + 1} holds`, Boolean(refusal), { attempts })
  const shape = checkErrorShape(refusal, { code: 'offer_no_longer_available' })
  return { ...shape, flight: best.key, open_seats: best.open, holds_before_refusal: attempts - 1 }
}

async function referenceData(duffel, ctx) {
  // Informational: the client resolves 'air/airports' against its basePath with new URL(),
  // so a base without a trailing slash drops its last segment (…/duffel → /air/airports).
  step('airports.list with a basePath without a trailing slash (informational)')
  const bare = new Duffel({ token: ctx.token, basePath: ctx.base.replace(/\/+$/, ''), debug: { verbose: true } })
  try {
    const answer = await bare.airports.list({ limit: 1 })
    result('base_without_trailing_slash', { url: trace.at(-1)?.endpoint, status: answer.status })
  } catch (error) {
    result('base_without_trailing_slash', { url: trace.at(-1)?.endpoint, error: describeError(error) })
  }
  const kinds = [
    ['airports', duffel.airports, (x) => typeof x.iata_code === 'string' && typeof x.name === 'string' && typeof x.time_zone === 'string'],
    ['airlines', duffel.airlines, (x) => typeof x.name === 'string' && 'iata_code' in x],
    ['aircraft', duffel.aircraft, (x) => typeof x.name === 'string' && typeof x.iata_code === 'string'],
  ]
  for (const [name, resource, valid] of kinds) {
    const first = await call(`${name}.list (limit 5)`, () => resource.list({ limit: 5 }))
    check(`${name}: the first page has 5 items`, first.data.length === 5, { count: first.data.length })
    check(`${name}: meta.after is a cursor`, typeof first.meta?.after === 'string' && first.meta.after.length > 0, first.meta)
    check(`${name}: meta.limit is 5`, first.meta?.limit === 5, first.meta)
    check(`${name}: every item has the fields the client types`, first.data.every(valid), first.data[0])
    const second = await call(`${name}.list (after)`, () => resource.list({ limit: 5, after: first.meta.after }))
    const firstIds = new Set(first.data.map((x) => x.id))
    check(`${name}: the second page is new items`, second.data.length > 0 && second.data.every((x) => !firstIds.has(x.id)), {
      first: [...firstIds],
      second: second.data.map((x) => x.id),
    })
    step(`${name}.listWithGenerator`)
    const ids = new Set()
    try {
      for await (const item of resource.listWithGenerator()) {
        if (ids.has(item.data.id)) check(`${name}: no item twice across pages`, false, item.data.id)
        ids.add(item.data.id)
        if (ids.size >= 120) break
      }
    } catch (error) {
      throw new CheckFailed(`${name}.listWithGenerator`, `the paginator failed after ${ids.size} items: ${error?.message}`, { error: describeError(error) })
    }
    check(`${name}: the generator reads past the first page (default limit 50)`, ids.size > 50, { count: ids.size })
    const one = await call(`${name}.get`, () => resource.get(first.data[0].id))
    check(`${name}.get returns the item`, one.data.id === first.data[0].id && valid(one.data), one.data)
    result(name, { first: first.data.map((x) => x.iata_code ?? x.name), generator_read: ids.size })
  }
  const suggestions = await call('suggestions.list (query=lon)', () => duffel.suggestions.list({ query: 'lon' }))
  check('places suggestions returns places', Array.isArray(suggestions.data) && suggestions.data.length > 0, suggestions.data)
  check('every place is an airport or a city', suggestions.data.every((p) => p.type === 'airport' || p.type === 'city'), suggestions.data.map((p) => p.type))
  const codes = suggestions.data.map((p) => p.iata_code)
  check('suggestions for "lon" include London (LON) or Heathrow (LHR)', codes.includes('LON') || codes.includes('LHR'), codes)
  // A place that is an airport carries the airport's id (a city lists its airports).
  const places = suggestions.data.flatMap((p) => [p, ...(p.airports ?? [])])
  const heathrow = places.find((p) => p.iata_code === 'LHR' && (p.type === 'airport' || !p.type))
  check('the suggestions include the airport LHR', Boolean(heathrow), places.map((p) => `${p.type}:${p.iata_code}`))
  const lhr = (await call('airports.get (LHR, by the id from the suggestions)', () => duffel.airports.get(heathrow.id))).data
  check('airports.get returns LHR', lhr.iata_code === 'LHR', lhr)
  check('LHR is in London', lhr.iata_city_code === 'LON' || lhr.city?.iata_code === 'LON', lhr)
  result('suggestions', codes)
}

async function webhooks(duffel) {
  const created = (await call('webhooks.create', () =>
    duffel.webhooks.create({ url: 'http://127.0.0.1:9/duffel-hooks', events: ['order.created', 'order_cancellation.confirmed'] }),
  )).data
  check('webhook has an id', typeof created.id === 'string' && created.id.length > 0, created)
  check('webhook has a secret on creation', typeof created.secret === 'string' && created.secret.length > 0, created)
  check('webhook is active', created.active === true, created.active)
  const updated = (await call('webhooks.update (inactive)', () => duffel.webhooks.update(created.id, { active: false }))).data
  check('webhook is now inactive', updated.active === false, updated)
  check('the update kept the events', updated.events?.length === 2, updated.events)
  await call('webhooks.update (active again)', () => duffel.webhooks.update(created.id, { active: true }))
  const pinged = await call('webhooks.ping', () => duffel.webhooks.ping(created.id))
  check('webhooks.ping succeeds', pinged.status >= 200 && pinged.status < 300, { status: pinged.status })
  const listed = await call('webhooks.list', () => duffel.webhooks.list({ limit: 50 }))
  check('webhooks.list includes the webhook', listed.data.some((w) => w.id === created.id), listed.data)
  await call('webhooks.delete', () => duffel.webhooks.delete(created.id))
  const after = await call('webhooks.list (after delete)', () => duffel.webhooks.list({ limit: 50 }))
  check('the webhook is gone', !after.data.some((w) => w.id === created.id), after.data)
  result('webhook', { id: created.id })
}

// --- the client, and the header-adding proxy ------------------------------------------------

// The client resolves each path ('air/offers', no leading slash) with new URL(path,
// basePath): a base without a trailing slash loses its last segment (…/duffel →
// /air/offers). So the base we give it always ends in '/'.
function basePath(url) {
  return url.endsWith('/') ? url : `${url}/`
}

function newClient(base, token) {
  return new Duffel({ token, basePath: basePath(base), debug: { verbose: true } })
}

// A local proxy that forwards every request to `target` with one extra header.
function headerProxy(target, headers) {
  const upstream = new URL(target)
  const server = http.createServer((req, res) => {
    const path = upstream.pathname.replace(/\/$/, '') + req.url.replace(/^\/proxy/, '')
    const forwarded = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path, headers: { ...req.headers, host: upstream.host, ...headers } },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers)
        answer.pipe(res)
      },
    )
    forwarded.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(String(error))
    })
    req.pipe(forwarded)
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      server.unref()
      resolve(`http://127.0.0.1:${server.address().port}/proxy/`)
    })
  })
}

async function faultClient(ctx, fault) {
  const url = await headerProxy(ctx.base, { 'Sandbox-Fault': fault })
  return newClient(url, ctx.token)
}

async function main() {
  const [flow, baseArg, tokenArg] = process.argv.slice(2)
  const base = baseArg || process.env.DUFFEL_BASE_URL
  const token = tokenArg || process.env.DUFFEL_ACCESS_TOKEN
  report.flow = flow ?? null
  if (!FLOWS[flow] || !base || !token) {
    report.failed = {
      step: 'arguments',
      message: `usage: node flows.mjs <${Object.keys(FLOWS).join('|')}> [base_url] [token] (or DUFFEL_BASE_URL, DUFFEL_ACCESS_TOKEN)`,
    }
    finish(2)
    return
  }
  report.base_path = basePath(base)
  // The client's verbose log goes to console.info; keep it (never on stdout).
  console.info = (...parts) => {
    const [label, value] = parts
    if (label.startsWith('Endpoint')) trace.push({ endpoint: value })
    else if (trace.length) {
      const key = { 'Method: ': 'method', 'Body Parameters: ': 'body', 'Query Parameters: ': 'query', 'Request ID: ': 'request_id' }[label]
      if (key) trace[trace.length - 1][key] = value
    }
  }
  const duffel = newClient(base, token)
  const started = Date.now()
  try {
    await FLOWS[flow](duffel, { base, token })
    report.ok = true
  } catch (error) {
    const failure = error instanceof CheckFailed ? error : new CheckFailed(currentStep, `unexpected: ${error?.message}`, { error: describeError(error) })
    report.failed = { step: failure.step, message: failure.message, ...failure.extra, last_request: trace.at(-1) ?? null }
  }
  report.requests = trace.length
  report.seconds = Math.round((Date.now() - started) / 100) / 10
  finish(report.ok ? 0 : 1)
}

// Exit only once the report is flushed: stdout to a pipe is asynchronous in Node.
function finish(code) {
  process.stdout.write(`${JSON.stringify(report, null, 1)}\n`, () => process.exit(code))
}

main()
