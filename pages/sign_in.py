"""Sign in: the page every URL shows until someone signs in (ui/sign_in_form.py draws it)."""

from ui.frame import sign_in_page

sign_in_page()
