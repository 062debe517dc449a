"""The generator's word lists and data tables: what its names, titles, places, pages and
user agents are drawn from, spelled as the real files spell them (accents, commas and all)."""

PAGES = {  # page -> (method, status), as the real logs pair them
    "NextSong": ("PUT", 200), "Home": ("GET", 200), "Settings": ("GET", 200),
    "Save Settings": ("PUT", 307), "Help": ("GET", 200), "About": ("GET", 200),
    "Error": ("GET", 404), "Upgrade": ("GET", 200), "Downgrade": ("GET", 200),
    "Submit Upgrade": ("PUT", 307), "Submit Downgrade": ("PUT", 307), "Logout": ("PUT", 307),
    "Login": ("PUT", 307),
}  # fmt: skip

# "Level" stands for the Upgrade or Downgrade page, whichever the user's current level offers.
SIDE_PAGES = ("Home", "Home", "Settings", "Save Settings", "Help", "About", "Error", "Level")

_PLAIN_WORDS = (
    "Midnight", "River", "Neon", "Garden", "Echo", "Paper", "Velvet", "Thunder", "Glass", "Summer",
    "Ghost", "Harbor", "Silver", "Lantern", "Static", "Wild", "Orbit", "Honey", "Stone", "Fever",
)  # fmt: skip
ACCENTED_WORDS = (
    "Corazón", "Mañana", "Björk", "Fjördur", "Café", "Señorita", "Über", "Noël", "Ñandú",
    "Garçon", "Sømand", "Élan", "Déjà", "Müde", "Canción",
)  # fmt: skip
WORDS = _PLAIN_WORDS + ACCENTED_WORDS
FIRST_NAMES = {
    "F": ("Ava", "Chloé", "Zoë", "Maya", "Renée", "Lucía", "Nora", "Ingrid", "Hannah", "Sofía"),
    "M": ("Liam", "José", "Noah", "Björn", "Mateo", "Ethan", "André", "Owen", "Jürgen", "Caleb"),
}
LAST_NAMES = (
    "Smith", "Muñoz", "Nguyen", "Müller", "Walsh", "Núñez", "Okafor", "Larsen", "Pérez", "Brooks",
    "Søndergaard", "Kim",
)  # fmt: skip
CITIES = (
    "Portland-Vancouver-Hillsboro, OR-WA", "Cañon City, CO", "Española, NM",
    "Austin-Round Rock, TX", "Chicago-Naperville-Elgin, IL-IN-WI", "Lafayette, LA",
    "San Jose-Sunnyvale-Santa Clara, CA", "Tampa-St. Petersburg-Clearwater, FL",
)  # fmt: skip
ARTIST_PLACES = (
    "Nashville, TN", "Reykjavík, Iceland", "Montréal, Québec", "London, England", "GERMANY",
    "São Paulo, Brazil", "Köln", "Glasgow, Scotland", "Bogotá, Colombia", "Mass. - Boston",
)  # fmt: skip
# Agents containing a comma are the ones the real logs wrap in literal double quotes.
USER_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/36.0.1985.143 Safari/537.36",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/36.0.1985.143 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/36.0.1985.125 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 "
    "(KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53",
    "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:31.0) Gecko/20100101 Firefox/31.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9; rv:31.0) Gecko/20100101 Firefox/31.0",
)
