/** What `app.inject` answers: its Set-Cookie headers, parsed. */
export type CookieJarResponse = { cookies: readonly { name: string; value: string }[] }

/** `name=value` pairs of an answer's non-empty Set-Cookie headers, ready to send back as a Cookie header. */
export function getCookieHeader(response: CookieJarResponse): string {
  return response.cookies
    .filter((cookie) => cookie.value !== '')
    .map((cookie) => `${cookie.name}=${cookie.value}`)
    .join('; ')
}

/** The value of one cookie the answer sets, or undefined. */
export function getCookie(response: CookieJarResponse, name: string): string | undefined {
  return response.cookies.find((cookie) => cookie.name === name)?.value
}
