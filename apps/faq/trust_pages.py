"""Starter text of the trust pages linked from every page's footer: privacy notice, accessibility
statement, terms of use and cookies. Staff edit them in the admin (Information pages); each starts
marked "needs completing", and every fact only the NMT team can give (a legal name, a retention
period a lawyer has to set, a date) is written as a visible "To confirm" note, so that nothing
unconfirmed reads as settled.

What the pages say about the portal itself (what each form collects, who reads it, how long the
portal keeps it, which cookies it sets) is true of this code; change it when the code changes.
"""

TO_CONFIRM = "> **To confirm by the NMT team:**"

PRIVACY = f"""\
This notice explains what the NMT Portal collects about you, why, how long it is kept, who sees it,
and how to use your rights. It covers this website and the emails it sends.

{TO_CONFIRM} the legal name and address of the organisation responsible for your data (the data
> controller), the contact of its data protection officer if it has one, and the laws it answers to.

## Who is responsible

The portal is run by the organisation named at the foot of every page. Write to us through the
[contact form](/contact/) or at the email address in the footer for anything about your data.

## What we collect, and why

### When you apply for individual certification

Your name, email address, country and city; your profession, credential and the body that issued
it; your years of practice and the populations you work with; why you are applying and how you
heard of the NMT; the documents you upload (such as a CV or a credential); and whether you agree to
appear in the public [registry](/registry/) once certified.

We use them to review your application, to issue, renew and verify your certificate, and to write
to you about them. The legal basis is the contract you ask us to enter (certification) and, for the
registry, your consent, which you can withdraw at any time.

### When an organisation applies for site certification

The organisation's name, type, address and size; the coordinator's name, role, email address and
telephone number; the sponsor's name and title; the services, settings and populations served; the
organisation's plans; the documents uploaded; and whether the site should appear on the public
[partner map](/partners/) once certified. We use them as for an individual application.

### While an application is reviewed

Reviewers record each step (received, in review, information requested, approved or not approved)
with the date, the reviewer and any message sent to you. You see that history on your private
status page; reviewers' internal notes are not shown there.

### When you check an application's status

The reference and email address you type are used once, to email you the private link to your
status page. They are not stored. Status links stop working after 180 days; ask for a new one on
the [status page](/status/).

### When you register for a training

Your name, email address, organisation, role and whether you are NMT-certified, to hold your seat
or your place on the waiting list, to send you the joining details and to plan the training.

### When you send us a message

Your name, email address, organisation, the topic and your message, to answer you.

### Certificates

A certificate holds the holder's name, the program, the dates it was issued and expires, its
status and number, and the city and country. Anyone who has a certificate's number can check it on
the verification page: this is what certification is for. Only holders who agreed appear in the
public registry; certified sites appear on the partner map when they asked to.

### Staff accounts and security

For the people who sign in to the staff area: their username, email address and the record of
failed sign-ins (with the network address they came from), kept to lock out password guessing.
The portal counts requests by network address for a few minutes to slow down abuse of its forms.
Email addresses are removed from the portal's logs.

## Who sees it

- The NMT certification team's reviewers read applications and their documents; content editors
  see training registrations and messages; site administrators see everything, to run the portal.
- Documents are kept in private storage and are never published or given a public address.
- The companies that host the portal and send its email process data on our behalf, under
  contract, and for no other purpose.

{TO_CONFIRM} the names of the hosting and email providers, and whether any data leaves the
> country where it is collected (and on what safeguards).

We never sell your data, and we do not use it for advertising.

## How long we keep it

- **Drafts** of applications that are never submitted are deleted, with their documents, 30 days
  after they were last saved.
- **Documents of applications that were not approved or were withdrawn** are deleted 12 months
  after the decision or the withdrawal; the application itself and its history are kept.
- **Submitted applications** and their history are kept while the certification they lead to is
  valid, and for a period after it ends.
- **Certificates** are kept, and stay verifiable, for as long as they are valid and for a period
  after they expire or are revoked, so that a past certification can still be confirmed.
- **Training registrations** and **messages** are kept for a period after the training or the
  answer.
- **Continuing-education records** of a training (attendance, credit, evaluations, post-test
  answers and CE certificates) are kept for 5 years after the training ends, then deleted.
- **Accounts** made when someone asks for a sign-in code are deleted after 24 hours if the code is
  never used.

{TO_CONFIRM} each period above ("a period after"), as your lawyer sets them, and the 5 years of
> continuing-education records (staff set them in the CE settings; this text must say the same).

## Your data, yourself

Sign in to [My NMT](/my/) with a code sent to your email address, then open *Your data*:

- **Download my data** gives you a ZIP file: every record the portal holds about you (your account
  and addresses, your applications with every answer and step, the messages we sent you, your
  certificates, training registrations with their continuing-education records, and site
  memberships) and the documents you uploaded.
  Reviewers' internal notes are not part of it.
- **Erase my data** asks us to delete it. A site administrator confirms the request, or tells you
  why not (for example while a complaint about a certificate is open), and we email you either way.

Once confirmed, we delete your account, your addresses, every application with its documents, the
messages of its review and reviewers' notes, your training registrations with their
continuing-education records and CE certificates (a deleted CE certificate can no longer be
verified: download your CE certificates first), your site memberships, and every earlier copy of
them. We keep only what these rules need:

- **A certificate** stays verifiable while it is valid and for 7 years after it expires or is
  revoked: its number, the holder's name, the program, its dates and its status. It leaves the
  public registry, its city, country and your email address are deleted (so no renewal reminders
  are sent), and after the 7 years it is deleted too. A certified site's certificate belongs to the
  organisation: only your own details, as its coordinator, are deleted from it.
- **The application that certificate was issued from** is reduced to its reference, program,
  status and dates (for a site, also the organisation's own answers, never the coordinator's or the
  sponsor's), with the steps of its review but not their messages.

Messages you sent through the contact form from the same address are in the download, and are
deleted with everything else.

{TO_CONFIRM} the 12 months and the 7 years above; the portal's operators set both (changing them
> changes what the portal deletes, and this text must say the same).

## Your rights

You may ask us for a copy of your data, to correct it, to delete it, to restrict or object to its
use, and to receive it in a portable form. You may withdraw a consent (such as being listed in the
registry) at any time, without affecting what was done before. Download or erase your data
yourself in My NMT (above), or write to us through the [contact form](/contact/); we answer within
one month. Some records (a certificate already issued, for example) may have to be kept for as long
as the law or our certification rules require; we will tell you when that is so.

If you think we have not handled your data properly, you may complain to the data protection
authority of your country.

## Changes to this notice

When this notice changes, the new version is published here with its date.

{TO_CONFIRM} the date this notice takes effect.
"""

ACCESSIBILITY = f"""\
We want everyone to be able to use the NMT Portal: to read about the NMT, apply for
certification, follow an application, verify a certificate and find partners and trainings.

## How accessible the portal is

The portal aims to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA. In
particular, you can:

- use every page with a keyboard alone, with a visible focus and a "Skip to main content" link;
- use every page with a screen reader: pages have landmarks, headings in order, labelled form
  fields and error messages tied to the field they concern, with a summary at the top of the form;
- zoom the text to 400% without losing content, and use the portal on a phone;
- use every page without JavaScript, except the map itself;
- paste into every field, and never have to remember anything between steps.

## Known limits

- **The partner map** is a picture of places and cannot be used without sight or a pointer. The
  list below the map holds every partner the map shows, with the same filters, and works with a
  keyboard, a screen reader and without JavaScript.
- **Documents** that staff add to the library (PDF files from other publishers) may not be
  accessible. Ask us for another format through the [contact form](/contact/).
- **The staff area** (the Django administration) is used by the NMT team only and has not been
  checked as thoroughly as the public pages.

## How we test

Every public page and every state of every form is checked automatically with axe for WCAG 2.2 A
and AA failures, and with keyboard-only tests, each time the portal changes.

{TO_CONFIRM} whether a manual audit by people who use assistive technology has been made, by whom
> and when.

## Reporting a problem

If something on the portal does not work for you, or you need information in another format,
tell us through the [contact form](/contact/) (the topic "General inquiry" will do) or write to
the email address at the foot of the page. Say which page and what happened; we reply within 5 working days.

If you are not satisfied with our answer, you may contact the body that enforces accessibility
law in your country.

{TO_CONFIRM} the enforcement body to name here, and the date this statement was last reviewed.
"""

TERMS = f"""\
These terms apply to everyone who uses the NMT Portal. By using it you agree to them.

{TO_CONFIRM} the legal name of the organisation that offers the portal and the law and courts
> that govern these terms.

## What the portal is for

The portal tells you about the Neurosequential Model of Therapeutics (NMT), lets clinicians and
organisations apply for NMT certification and follow their applications, lists certified
clinicians and sites, and lets anyone verify a certificate.

## What a certificate means

**NMT certification attests completed training, not clinical competence.** It is not a licence to
practise. Check a clinician's professional licence with the body that issued it. A certificate is
valid only while its verification page says it is active.

## Your applications

Give true and complete information, and upload only documents you are entitled to share. We may
refuse or withdraw a certification that was obtained with false information. Keep your private
status link to yourself: anyone who has it can read your application's status.

## Fair use

Do not try to break into the portal or its staff area, overload it, or collect the registry or
the partner list in bulk by automated means. The portal limits how often its forms and searches
can be used from one place. Verification is free for anyone who has a certificate's number.

## Content and names

The text, images and publications on the portal belong to their authors. The names
"Neurosequential Model of Therapeutics" and "NMT" identify the model and its certification: do not
use them to suggest a certification or an endorsement you do not hold.

{TO_CONFIRM} the marks that are registered, and the licence (if any) under which the portal's own
> text may be reused.

## Links to other sites

Links to other websites (publishers, DOIs, partners' own sites) are given for convenience; we are
not responsible for their content.

## Liability

We take care that the portal is correct and available, but we cannot promise that it is always
either. Nothing in these terms limits a liability that the law does not allow to be limited.

{TO_CONFIRM} this section, with your lawyer.

## Changes

We may change these terms; the new version is published here with its date.
"""

# The cookies the portal sets (tests/faq/test_trust_pages.py holds the portal to this list):
# (name, what it is for, when it is set, how long it lasts).
COOKIE_ROWS = [
    (
        "csrftoken",
        "Protects forms against requests forged by other websites.",
        "When you open a page with a form.",
        "One year",
    ),
    (
        "sessionid",
        "Remembers, for a few hours, that you just applied or registered (so that the portal can warn "
        "you before you apply twice), and keeps staff signed in.",
        "When you save or submit an application or register for a training, or sign in to the staff area.",
        "8 hours",
    ),
    (
        "messages",
        'Carries a one-time confirmation ("Your message was sent") to the next page.',
        "After you submit a form.",
        "Until the next page is shown",
    ),
]


def _cookie_table():
    rows = ["| Name | What it is for | When it is set | How long it lasts |", "| --- | --- | --- | --- |"]
    rows += [f"| `{name}` | {purpose} | {when} | {lasts} |" for name, purpose, when, lasts in COOKIE_ROWS]
    return "\n".join(rows)


COOKIES = f"""\
The NMT Portal uses only the cookies it needs to work. It sets no advertising, analytics or
tracking cookies, and no other company sets cookies through it, so it does not ask for your
consent to cookies.

## The cookies it sets

{_cookie_table()}

## Things that are not cookies

- **The map** loads its background tiles from a map tile service when you open the partners
  page; that service sees your network address, as any website you visit does. The list of
  partners works without the map.
- **Your own browser** may keep copies of pages and files to load them faster; the portal tells
  it when they change.

## Removing cookies

You can delete the portal's cookies in your browser's settings at any time. Forms then work again
as soon as you reload them.
"""

# (slug, title, summary, order, body)
PAGES = [
    (
        "privacy",
        "Privacy notice",
        "What the NMT Portal collects about you, why, for how long, and your rights.",
        900,
        PRIVACY,
    ),
    (
        "accessibility",
        "Accessibility statement",
        "How accessible the NMT Portal is, its known limits, and how to report a problem.",
        910,
        ACCESSIBILITY,
    ),
    ("terms", "Terms of use", "The terms that apply to everyone who uses the NMT Portal.", 920, TERMS),
    (
        "cookies",
        "Cookies",
        "The only cookies the NMT Portal sets, what they are for and how long they last.",
        930,
        COOKIES,
    ),
]
