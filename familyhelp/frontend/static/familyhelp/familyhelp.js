/**
 * Family Help - page JavaScript (ES module, hand-written, not built).
 *
 * Load with: <script type="module" src="{% static 'familyhelp/familyhelp.js' %}"></script>
 *
 * It does only this:
 *  (a) marks <body> as supported and initialises GOV.UK Frontend and MOJ Frontend;
 *  (b) shows an accessible warning before an idle session times out.
 *
 * No inline scripts or styles: the site's CSP is script-src 'self'; style-src 'self'.
 */
import { initAll as initGovukFrontend } from './govuk-frontend.min.js'
import { initAll as initMojFrontend } from './moj-frontend.min.js'

// ---------------------------------------------------------------------------
// (a) GOV.UK Frontend and MOJ Frontend
// ---------------------------------------------------------------------------

// GOV.UK Frontend's own template adds these classes with an inline <script>,
// which the CSP forbids, so do it here, before initialising anything. A browser
// that runs <script type="module"> is a supported browser.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initGovukFrontend()
initMojFrontend()

// ---------------------------------------------------------------------------
// (b) Idle-session timeout warning
//
// <body data-session-timeout="1800"        seconds of inactivity before the server ends the session
//       data-session-warning="120"         seconds before expiry to show the warning (default 120)
//       data-keepalive-url="/keepalive/"   POST here (with CSRF token) to stay signed in
//       data-signout-url="/sign-out/">     POST here to sign out; GET ?timeout=1 when time runs out
// ---------------------------------------------------------------------------

const COUNTDOWN_STEP_SECONDS = 15 // announce/update the countdown at most this often

/** @param {string|undefined} value */
function toSeconds (value) {
  const number = Number.parseInt(value ?? '', 10)
  return Number.isFinite(number) && number > 0 ? number : null
}

function getCsrfToken () {
  const cookie = document.cookie
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith('csrftoken='))
  if (cookie) {
    return decodeURIComponent(cookie.slice('csrftoken='.length))
  }
  // CSRF_COOKIE_HTTPONLY = True hides the cookie from JavaScript: fall back to
  // a token rendered into the page.
  const meta = document.querySelector('meta[name="csrf-token"]')
  if (meta && meta.getAttribute('content')) {
    return meta.getAttribute('content')
  }
  const input = document.querySelector('input[name="csrfmiddlewaretoken"]')
  return input ? input.value : ''
}

/** Text for the time left, in steps so that it changes at most every 15 s. */
function describeTimeLeft (secondsLeft) {
  if (secondsLeft > 60) {
    const minutes = Math.ceil(secondsLeft / 60)
    return `${minutes} minutes`
  }
  const seconds = Math.max(
    COUNTDOWN_STEP_SECONDS,
    Math.ceil(secondsLeft / COUNTDOWN_STEP_SECONDS) * COUNTDOWN_STEP_SECONDS
  )
  return seconds === 60 ? '1 minute' : `${seconds} seconds`
}

/** Create an element with attributes and optional text. */
function make (tag, attributes = {}, text = '') {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, value)
  }
  if (text) {
    element.textContent = text
  }
  return element
}

function initSessionTimeout (body) {
  const timeout = toSeconds(body.dataset.sessionTimeout)
  if (!timeout) {
    return
  }
  const keepaliveUrl = body.dataset.keepaliveUrl
  const signoutUrl = body.dataset.signoutUrl
  if (!keepaliveUrl || !signoutUrl) {
    console.warn('familyhelp: data-keepalive-url and data-signout-url are needed for the session timeout warning')
    return
  }
  // The server renews the session at most every `renew` seconds (ADR 0019), so a request it answered may not
  // have moved the expiry on: after such a request count from `age - renew`; after the keep-alive (which
  // always renews) from `age`; on page load from `timeout`, the server's own reckoning of what is left.
  const age = toSeconds(body.dataset.sessionAge) ?? timeout
  const renew = toSeconds(body.dataset.sessionRenew) ?? 0
  let warning = toSeconds(body.dataset.sessionWarning) ?? 120
  if (warning >= timeout) {
    warning = Math.max(1, Math.floor(timeout / 2))
  }

  let expiresAt = 0 // ms timestamp when the server session ends
  let timer = null
  let shownText = ''
  let shownAt = 0
  let returnFocusTo = null
  let finished = false

  // --- The dialog, built once -------------------------------------------------
  const dialog = make('dialog', {
    class: 'fh-timeout-dialog',
    role: 'alertdialog',
    'aria-modal': 'true',
    'aria-labelledby': 'fh-timeout-dialog-heading',
    'aria-describedby': 'fh-timeout-dialog-countdown',
    tabindex: '-1'
  })
  const heading = make('h2', {
    class: 'fh-timeout-dialog__heading',
    id: 'fh-timeout-dialog-heading'
  }, 'You’re about to be signed out')
  const countdown = make('p', {
    class: 'govuk-body fh-timeout-dialog__countdown',
    id: 'fh-timeout-dialog-countdown',
    'aria-live': 'polite',
    'aria-atomic': 'true'
  })
  const problem = make('p', { class: 'govuk-error-message', hidden: '' })
  const buttons = make('div', { class: 'govuk-button-group' })
  const stayButton = make('button', {
    type: 'button',
    class: 'govuk-button'
  }, 'Stay signed in')
  const signOutButton = make('button', {
    type: 'button',
    class: 'govuk-button govuk-button--secondary'
  }, 'Sign out')
  buttons.append(stayButton, signOutButton)
  dialog.append(heading, countdown, problem, buttons)
  body.append(dialog)

  // --- Timing -----------------------------------------------------------------
  function secondsLeft () {
    return Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000))
  }

  function schedule () {
    clearTimeout(timer)
    if (finished) {
      return
    }
    const left = expiresAt - Date.now()
    if (left <= 0) {
      timedOut()
      return
    }
    if (!dialog.open) {
      const untilWarning = left - warning * 1000
      if (untilWarning <= 0) {
        openDialog()
      } else {
        timer = setTimeout(schedule, untilWarning)
        return
      }
    }
    updateCountdown(false)
    // While the dialog is open, check every second (text changes at most every 15 s).
    timer = setTimeout(schedule, Math.min(1000, left))
  }

  function resetTimer (seconds) {
    if (finished) {
      return
    }
    expiresAt = Date.now() + seconds * 1000
    if (dialog.open) {
      closeDialog()
    }
    schedule()
  }

  function updateCountdown (force) {
    const text = `We will sign you out in ${describeTimeLeft(secondsLeft())}. ` +
      'Any information you have not saved will be lost.'
    if (text === shownText) {
      return
    }
    if (!force && Date.now() - shownAt < COUNTDOWN_STEP_SECONDS * 1000) {
      return
    }
    shownText = text
    shownAt = Date.now()
    countdown.textContent = text
  }

  // --- Dialog open/close ------------------------------------------------------
  function openDialog () {
    returnFocusTo = document.activeElement
    problem.hidden = true
    stayButton.disabled = false
    signOutButton.disabled = false
    updateCountdown(true)
    dialog.showModal()
    dialog.focus()
  }

  function closeDialog () {
    if (dialog.open) {
      dialog.close()
    }
    const target = returnFocusTo
    returnFocusTo = null
    if (target && target !== document.body && document.contains(target) && typeof target.focus === 'function') {
      target.focus()
    }
  }

  // --- Actions ------------------------------------------------------------------
  function timedOut () {
    finished = true
    clearTimeout(timer)
    const url = new URL(signoutUrl, window.location.href)
    url.searchParams.set('timeout', '1')
    window.location.assign(url.toString())
  }

  async function staySignedIn () {
    stayButton.disabled = true
    problem.hidden = true
    try {
      const response = await fetch(keepaliveUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'X-CSRFToken': getCsrfToken(),
          'X-Requested-With': 'XMLHttpRequest'
        }
      })
      if (response.ok && !response.redirected) {
        resetTimer(age)
        return
      }
      if (response.redirected || response.status === 401 || response.status === 403) {
        // The session has already ended (or the token is no longer valid).
        timedOut()
        return
      }
      throw new Error(`keepalive returned ${response.status}`)
    } catch (error) {
      console.warn('familyhelp: could not keep the session alive', error)
      problem.textContent = 'Sorry, there is a problem. Try again, or save your work now.'
      problem.hidden = false
      stayButton.disabled = false
    }
  }

  function signOut () {
    finished = true
    clearTimeout(timer)
    stayButton.disabled = true
    signOutButton.disabled = true
    const form = make('form', { method: 'post', action: signoutUrl })
    const token = make('input', { type: 'hidden', name: 'csrfmiddlewaretoken' })
    token.value = getCsrfToken()
    form.append(token)
    body.append(form)
    form.submit()
  }

  stayButton.addEventListener('click', staySignedIn)
  signOutButton.addEventListener('click', signOut)

  // Escape means "Stay signed in", not "ignore the warning".
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    if (!stayButton.disabled) {
      staySignedIn()
    }
  })

  // Every htmx request that reached the server renewed the session.
  document.addEventListener('htmx:afterRequest', (event) => {
    const xhr = event.detail && event.detail.xhr
    if (xhr && xhr.status > 0) {
      resetTimer(Math.max(1, age - renew))
    }
  })

  // Timers are throttled in background tabs and stop while the computer sleeps:
  // check again as soon as the page is visible.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') {
      schedule()
    }
  })

  resetTimer(timeout)
}

initSessionTimeout(document.body)
