"""Name pools for the synthetic council, built once and drawn from with the seeded generator.

English given and family names come from Faker's en_GB person provider lists (ONS data), read once as
plain tuples: calling Faker per row is far too slow for a million people. The other pools are
hand-written from the communities living in English towns. Unusual names are ordinary data here:
O'Brien, Zoë, Nguyễn, Ní Bhriain, Siân, Józef, Chloé, double-barrelled names and people with a single name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from faker.providers.person.en_GB import Provider as EnGbPersonProvider


def _n(text: str) -> tuple[str, ...]:
    """Split a pool written with '|' between names (names may contain spaces)."""
    return tuple(n.strip() for n in text.split("|") if n.strip())


FamilyName = str | tuple[str, str]  # a name, or (male form, female form): Kowalski / Kowalska


@dataclass(frozen=True)
class Culture:
    """Where a family's names come from, and the languages they speak."""

    key: str
    boys: tuple[str, ...]
    girls: tuple[str, ...]
    men: tuple[str, ...]
    women: tuple[str, ...]
    family: tuple[FamilyName, ...]
    languages: tuple[str, ...] = ("English",)
    english_first_child: float = 1.0  # share of children whose first language is English
    interpreter: float = 0.0  # share of adults who need an interpreter
    single_name: float = 0.0  # share of people recorded with one name only
    family_weights: tuple[float, ...] | None = field(default=None)


_FAKER_MEN = tuple(EnGbPersonProvider.first_names_male)
_FAKER_WOMEN = tuple(EnGbPersonProvider.first_names_female)
_FAKER_FAMILY = tuple(EnGbPersonProvider.last_names.keys())
_FAKER_FAMILY_WEIGHTS = tuple(float(w) for w in EnGbPersonProvider.last_names.values())

ENGLISH_BOYS = _n(
    "Oliver|George|Harry|Noah|Jack|Leo|Arthur|Oscar|Charlie|Jacob|Freddie|Alfie|Theo|Archie|Henry|Thomas|"
    "Joshua|William|Isaac|Logan|Teddy|Finley|Riley|Ethan|Mason|Lucas|Tommy|Jaxon|Reggie|Kai|Zac|Tyler|"
    "Ollie|Harrison|Reuben|Albie|Louie|Frankie|Tommy-Lee|Alfie-James|Bobby|Ronnie|Jayden|Kian|Callum|Dylan|"
    "Lewis|Connor|Max|Sonny|Jenson|Rory|Elliot|Toby|Daniel|James|Samuel|Alexander|Benjamin|Matthew|Edward"
)
ENGLISH_GIRLS = _n(
    "Olivia|Amelia|Isla|Ava|Lily|Freya|Ivy|Florence|Willow|Isabella|Mia|Sophia|Grace|Poppy|Evie|Ella|"
    "Rosie|Sienna|Daisy|Phoebe|Millie|Ruby|Emily|Chloe|Zoë|Harper|Maisie|Lacey|Skye|Imogen|Erin|Esmé|"
    "Renée|Matilda|Elsie|Lola|Lily-Mae|Ava-Rose|Darcie|Summer|Scarlett|Megan|Holly|Jessica|Charlotte|"
    "Elizabeth|Abigail|Rebecca|Katie|Paige|Leah|Bethany|Amber|Kayla|Tia|Demi-Leigh|Nevaeh|Macy"
)
ENGLISH_MEN = _FAKER_MEN + _n(
    "Daniel|Ryan|Liam|Craig|Lee|Jamie|Dean|Kyle|Ashley|Jordan|Wayne|Darren|Scott|Carl|Gareth|Shane|"
    "Dale|Ricky|Kieran|Luke|Adam|Nathan|Aaron|Jason|Stuart"
)
ENGLISH_WOMEN = _FAKER_WOMEN + _n(
    "Jade|Gemma|Kayleigh|Stacey|Amy|Laura|Sarah|Danielle|Chelsea|Charlotte|Hayley|Leanne|Kirsty|Lauren|"
    "Natalie|Kelly|Samantha|Jodie|Toni|Shannon|Amber|Rebecca|Zoë|Siobhan|Rachael"
)

WELSH_BOYS = _n("Rhys|Dafydd|Gethin|Llŷr|Osian|Ioan|Tomos|Cai|Gruffydd|Ifan|Emrys|Aled")
WELSH_GIRLS = _n("Siân|Ffion|Cerys|Eluned|Gwenllian|Rhiannon|Megan|Seren|Nia|Elin|Mali|Catrin")
WELSH_FAMILY: tuple[FamilyName, ...] = _n(
    "Jones|Davies|Evans|Williams|Thomas|Roberts|Hughes|Lewis|Morgan|Griffiths|Price|Pritchard|Rees|Llywelyn|"
    "Powell|Vaughan|ap Rhys"
)

IRISH_BOYS = _n("Seán|Ciarán|Oisín|Pádraig|Eoin|Darragh|Cian|Tadhg|Conor|Niall|Fionn|Ronan|Colm|Dónal")
IRISH_GIRLS = _n("Aoife|Niamh|Róisín|Caoimhe|Saoirse|Siobhán|Orla|Ciara|Clodagh|Áine|Sinéad|Méabh|Gráinne")
IRISH_FAMILY: tuple[FamilyName, ...] = (
    *_n(
        "O'Brien|O'Connor|O'Sullivan|O'Neill|O'Reilly|McCarthy|Murphy|Kelly|Byrne|Ryan|Walsh|Doyle|"
        "Gallagher|Fitzgerald|Kavanagh|Quinn|Brennan|D'Arcy"
    ),
    ("Ó Briain", "Ní Bhriain"),
    ("Ó Súilleabháin", "Ní Shúilleabháin"),
    ("Mac Cárthaigh", "Nic Cárthaigh"),
)
TRAVELLER_FAMILY: tuple[FamilyName, ...] = _n(
    "Ward|McDonagh|Joyce|Connors|Doherty|Maughan|McGinley|Stokes|Cash|Delaney|Quilligan|Sherlock"
)

POLISH_BOYS = _n("Józef|Jakub|Łukasz|Krzysztof|Kacper|Szymon|Filip|Mikołaj|Wojciech|Paweł|Tomasz|Bartosz")
POLISH_GIRLS = _n("Zofia|Wiktoria|Małgorzata|Agnieszka|Zuzanna|Julia|Maja|Natalia|Katarzyna|Joanna|Oliwia")
POLISH_FAMILY: tuple[FamilyName, ...] = (
    *_n("Nowak|Wójcik|Kowalczyk|Woźniak|Mazur|Krawczyk|Kaczmarek|Grabowski|Zając|Król|Wieczorek"),
    ("Kowalski", "Kowalska"),
    ("Wiśniewski", "Wiśniewska"),
    ("Kamiński", "Kamińska"),
    ("Lewandowski", "Lewandowska"),
    ("Zieliński", "Zielińska"),
    ("Szymański", "Szymańska"),
    ("Dąbrowski", "Dąbrowska"),
    ("Jankowski", "Jankowska"),
)
ROMANIAN_BOYS = _n("Ionuț|Andrei|Mihai|Alexandru|Ștefan|Gabriel|Florin|Adrian|Cristian|Răzvan|Vlad|David")
ROMANIAN_GIRLS = _n("Elena|Ioana|Maria|Andreea|Alexandra|Bianca|Daria|Ana-Maria|Larisa|Roxana|Irina|Sofia")
ROMANIAN_FAMILY: tuple[FamilyName, ...] = _n(
    "Popescu|Ionescu|Popa|Stan|Dumitru|Constantin|Stoica|Gheorghe|Munteanu|Lungu|Rusu|Moldovan|Țurcanu"
)
ROMA_BOYS = _n("Marek|Lukáš|Patrik|Dominik|Roman|Denis|Nicolae|Daniel|Ondřej|Radek")
ROMA_GIRLS = _n("Denisa|Simona|Nikola|Kristýna|Veronika|Monika|Mariana|Lenka|Sabina|Esmeralda")
ROMA_FAMILY: tuple[FamilyName, ...] = _n("Horváth|Lakatos|Balog|Kaleja|Dužda|Oláh|Sivák|Gábor|Rostás|Demeter")
PORTUGUESE_BOYS = _n("João|Tiago|Gonçalo|Rafael|Duarte|Rodrigo|Martim|Diogo|André")
PORTUGUESE_GIRLS = _n("Inês|Beatriz|Leonor|Mariana|Matilde|Carolina|Francisca|Sofia|Joana")
PORTUGUESE_FAMILY: tuple[FamilyName, ...] = _n(
    "Silva|Santos|Ferreira|Pereira|Oliveira|Costa|Rodrigues|Martins|Gonçalves|Fernandes"
)
FRENCH_BOYS = _n("Théo|Noé|Raphaël|Jérôme|Loïc|Gaël|Hugo|Mathéo|Benoît")
FRENCH_GIRLS = _n("Chloé|Zoë|Éloïse|Noémie|Léa|Anaïs|Maëlle|Clémence|Inès")
FRENCH_FAMILY: tuple[FamilyName, ...] = _n("Dubois|Lefèvre|Moreau|Girard|Fournier|Lemaître|Bélanger|Rousseau")

CARIBBEAN_BOYS = _n("Jermaine|Tyrone|Kemar|Marcus|Andre|Malachi|Kaiden|Jahmal|Tyrese|Isaiah|Elijah|Josiah")
CARIBBEAN_GIRLS = _n("Shanice|Aaliyah|Jada|Tia|Kiara|Shanté|Imani|Nia|Alicia|Keisha|Destiny|Precious")
CARIBBEAN_FAMILY: tuple[FamilyName, ...] = _n(
    "Campbell|Brown|Williams|Thompson|Clarke|Grant|Francis|Johnson|Robinson|Reid|Morgan|Bennett|McKenzie"
)
NIGERIAN_BOYS = _n("Chukwuemeka|Oluwaseun|Tobi|Emeka|Olumide|Ayodele|Chinedu|Femi|Kayode|Obinna|Tunde|David|Daniel")
NIGERIAN_GIRLS = _n(
    "Adaeze|Chiamaka|Folake|Ngozi|Temitope|Oluwadamilola|Chioma|Funmilayo|Ifeoma|Yetunde|Blessing|Esther"
)
NIGERIAN_FAMILY: tuple[FamilyName, ...] = _n(
    "Okafor|Adeyemi|Okonkwo|Adebayo|Oyelaran|Eze|Nwosu|Olawale|Ogunleye|Balogun|Nwachukwu|Adeleke|Obi"
)
SOMALI_BOYS = _n("Abdi|Ayaan|Liban|Mahad|Omar|Abdirahman|Mohamed|Yusuf|Hamza|Abdullahi|Said")
SOMALI_GIRLS = _n("Hodan|Hamdi|Ilhan|Khadra|Sagal|Ayan|Fadumo|Hibo|Nasra|Sahra|Idil")
SOMALI_FAMILY: tuple[FamilyName, ...] = _n(
    "Mohamed|Abdullahi|Hassan|Warsame|Farah|Osman|Jama|Yusuf|Ali|Ahmed|Abdi|Nur|Ismail"
)
GHANAIAN_BOYS = _n("Kwame|Kofi|Kwabena|Yaw|Kojo|Nana|Kwesi|Emmanuel")
GHANAIAN_GIRLS = _n("Ama|Akosua|Abena|Efua|Adwoa|Yaa|Esi|Afia")
GHANAIAN_FAMILY: tuple[FamilyName, ...] = _n("Mensah|Owusu|Boateng|Asante|Osei|Appiah|Agyeman|Darko")
ZIMBABWEAN_BOYS = _n("Tendai|Tatenda|Farai|Tinashe|Kudakwashe|Blessing")
ZIMBABWEAN_GIRLS = _n("Rudo|Chipo|Nyasha|Tsitsi|Rumbidzai|Fadzai")
ZIMBABWEAN_FAMILY: tuple[FamilyName, ...] = _n("Moyo|Ncube|Dube|Sibanda|Chikwanha|Mutasa|Ndlovu")
ERITREAN_BOYS = _n("Yonas|Tesfay|Hagos|Filmon|Semere|Dawit|Mehari|Robel|Kibrom")
ERITREAN_GIRLS = _n("Senait|Helen|Selam|Luwam|Mebrat|Winta|Saba|Feven")
ERITREAN_FAMILY: tuple[FamilyName, ...] = _n("Tesfamariam|Gebremedhin|Haile|Kidane|Berhane|Tekle|Ghebreyesus")

GUJARATI_BOYS = _n("Arjun|Rohan|Aarav|Ishaan|Krish|Dev|Neel|Sanjay|Hitesh|Ketan|Raj|Vihaan")
GUJARATI_GIRLS = _n("Priya|Anika|Diya|Riya|Kavya|Deepa|Nisha|Hetal|Pooja|Meera|Aanya|Shreya")
GUJARATI_FAMILY: tuple[FamilyName, ...] = _n("Patel|Shah|Mistry|Parmar|Chauhan|Solanki|Desai|Joshi|Modi")
SIKH_BOYS = _n("Harpreet|Gurpreet|Jaspreet|Manpreet|Amrit|Jaskaran|Harjeet|Arjan|Gurdeep|Sukhdev")
SIKH_GIRLS = _n("Harpreet|Simran|Jasleen|Navneet|Gurleen|Amrit|Manjit|Rajvinder|Kiran|Jaspreet")
SIKH_FAMILY: tuple[FamilyName, ...] = (*_n("Sandhu|Gill|Dhillon|Bains|Sidhu|Grewal|Johal"), ("Singh", "Kaur"))
PAKISTANI_BOYS = _n("Muhammad|Mohammed|Ibrahim|Hamza|Bilal|Imran|Hassan|Usman|Abdullah|Haris|Zain|Ayaan|Yusuf|Rayyan")
PAKISTANI_GIRLS = _n("Ayesha|Zainab|Aisha|Maryam|Nadia|Fatima|Zara|Hafsa|Amina|Inaaya|Noor|Sana|Iqra")
PAKISTANI_FAMILY: tuple[FamilyName, ...] = _n(
    "Khan|Hussain|Ahmed|Ali|Iqbal|Akhtar|Mahmood|Shah|Butt|Rashid|Riaz|Malik|Anwar|Javed|Qureshi"
)
BANGLADESHI_BOYS = _n("Abdul|Mohammed|Tahmid|Shahid|Rahim|Ayaan|Sami|Arif|Jamal|Nabil|Rafiq")
BANGLADESHI_GIRLS = _n("Rahima|Sumaiya|Nusrat|Farhana|Rumana|Tasnim|Maisha|Sadia|Jannat|Shirin")
BANGLADESHI_FAMILY: tuple[FamilyName, ...] = _n(
    "Rahman|Uddin|Miah|Islam|Ahmed|Hoque|Chowdhury|Ali|Hussain|Khanom|Begum|Khatun"
)
VIETNAMESE_BOYS = _n("Văn Minh|Đức Anh|Quang Huy|Minh Khôi|Gia Bảo|Hoàng Long|Tuấn|Việt|Đạt")
VIETNAMESE_GIRLS = _n("Thị Lan|Ngọc Anh|Thu Thảo|Bảo Ngọc|Linh|Thị Hương|Mai|Phương Anh|Thùy Dung")
VIETNAMESE_FAMILY: tuple[FamilyName, ...] = _n("Nguyễn|Trần|Lê|Phạm|Hoàng|Vũ|Đặng|Bùi|Đỗ|Ngô")
CHINESE_BOYS = _n("Wei|Jun|Hao|Zi Hao|Yu Chen|Ming|Jason|Kevin|Ka Ho|Tsz Hin")
CHINESE_GIRLS = _n("Mei|Xin|Yu Xuan|Zi Han|Ling|Jasmine|Hiu Tung|Wing Yan|Xiao Ling|Fei")
CHINESE_FAMILY: tuple[FamilyName, ...] = _n("Wang|Li|Zhang|Chen|Liu|Yang|Huang|Zhao|Wong|Chan|Cheung|Lam|Ng|Leung")
TAMIL_BOYS = _n("Tharshan|Kajan|Sivakumar|Pradeep|Niroshan|Arun|Kishore")
TAMIL_GIRLS = _n("Kavitha|Tharani|Nivetha|Abirami|Sharmila|Luxmi|Vithya")
TAMIL_FAMILY: tuple[FamilyName, ...] = _n("Sivakumar|Rajendran|Thevarajah|Kandiah|Selvarajah|Mahendran")
AFGHAN_BOYS = _n("Ahmad|Mohammad|Ali Reza|Farid|Hamid|Jawad|Mustafa|Sohrab|Wahid|Zabihullah")
AFGHAN_GIRLS = _n("Zahra|Maryam|Fereshta|Hadia|Mursal|Parwana|Shabnam|Soraya")
AFGHAN_FAMILY: tuple[FamilyName, ...] = _n("Ahmadi|Hakimi|Karimi|Noori|Rahimi|Sultani|Safi|Stanikzai")
FILIPINO_BOYS = _n("John Paul|Mark Anthony|Jose|Rommel|Carlo|Miguel")
FILIPINO_GIRLS = _n("Maria Cristina|Rosalie|Jasmine|Angelica|Kristine|Mary Joy")
FILIPINO_FAMILY: tuple[FamilyName, ...] = _n("Santos|Reyes|Cruz|Bautista|Dela Cruz|Mendoza|Villanueva")
NEPALI_BOYS = _n("Bikash|Suman|Prakash|Aayush|Sagar|Kiran")
NEPALI_GIRLS = _n("Sabina|Anisha|Pooja|Sunita|Rojina|Asmita")
NEPALI_FAMILY: tuple[FamilyName, ...] = _n("Gurung|Rai|Thapa|Tamang|Limbu|Magar|Shrestha")
ARABIC_BOYS = _n("Ahmed|Mustafa|Yusuf|Omar|Khalid|Karim|Tariq|Adam|Younes|Hussein")
ARABIC_GIRLS = _n("Layla|Rania|Fatima|Nour|Yasmin|Huda|Leen|Salma|Rahaf|Mariam")
ARABIC_FAMILY: tuple[FamilyName, ...] = _n(
    "Al-Hashimi|Abdullah|El-Sayed|Haddad|Al-Masri|Mansour|Saleh|Al-Tamimi|Nasser|Ibrahim"
)
KURDISH_BOYS = _n("Karwan|Rebin|Aram|Dilshad|Hemin|Sherwan|Baran|Rawand")
KURDISH_GIRLS = _n("Hêvî|Shilan|Rozhin|Dilan|Nishtiman|Avan|Jwan|Lana")
KURDISH_FAMILY: tuple[FamilyName, ...] = _n("Rasul|Aziz|Qadir|Mahmud|Salih|Barzani|Hawrami")
TURKISH_BOYS = _n("Emre|Mehmet|Yusuf|Burak|Can|Eren|Kerem|Ömer")
TURKISH_GIRLS = _n("Zeynep|Elif|Ayşe|Defne|Ecrin|Büşra|Gül|Melek")
TURKISH_FAMILY: tuple[FamilyName, ...] = _n("Yılmaz|Kaya|Demir|Şahin|Çelik|Öztürk|Aydın|Arslan")
IRANIAN_BOYS = _n("Darius|Reza|Amir|Arash|Kian|Navid")
IRANIAN_GIRLS = _n("Shirin|Parisa|Niloufar|Roya|Yasmin|Setareh")
IRANIAN_FAMILY: tuple[FamilyName, ...] = _n("Hosseini|Mohammadi|Rezaei|Karimi|Moradi|Jafari|Tehrani")


def _c(
    key: str,
    boys: tuple[str, ...],
    girls: tuple[str, ...],
    family: tuple[FamilyName, ...],
    *,
    men: tuple[str, ...] | None = None,
    women: tuple[str, ...] | None = None,
    languages: tuple[str, ...] = ("English",),
    english_first_child: float = 1.0,
    interpreter: float = 0.0,
    single_name: float = 0.0,
    family_weights: tuple[float, ...] | None = None,
) -> Culture:
    return Culture(
        key=key,
        boys=boys,
        girls=girls,
        men=men or boys,
        women=women or girls,
        family=family,
        languages=languages,
        english_first_child=english_first_child,
        interpreter=interpreter,
        single_name=single_name,
        family_weights=family_weights,
    )


CULTURES: dict[str, Culture] = {
    c.key: c
    for c in (
        _c(
            "english",
            ENGLISH_BOYS,
            ENGLISH_GIRLS,
            _FAKER_FAMILY,
            men=ENGLISH_MEN,
            women=ENGLISH_WOMEN,
            family_weights=_FAKER_FAMILY_WEIGHTS,
        ),
        _c(
            "welsh",
            WELSH_BOYS + ENGLISH_BOYS[:20],
            WELSH_GIRLS + ENGLISH_GIRLS[:20],
            WELSH_FAMILY,
            men=WELSH_BOYS + ENGLISH_MEN[:40],
            women=WELSH_GIRLS + ENGLISH_WOMEN[:40],
        ),
        _c("irish", IRISH_BOYS + ENGLISH_BOYS[:15], IRISH_GIRLS + ENGLISH_GIRLS[:15], IRISH_FAMILY),
        _c(
            "traveller",
            _n("John|Patrick|Michael|Martin|Tommy|Johnny|Paddy"),
            _n("Mary|Bridget|Margaret|Kathleen|Nora|Winnie|Ellen"),
            TRAVELLER_FAMILY,
        ),
        _c(
            "polish",
            POLISH_BOYS,
            POLISH_GIRLS,
            POLISH_FAMILY,
            languages=("Polish",),
            english_first_child=0.4,
            interpreter=0.25,
        ),
        _c(
            "romanian",
            ROMANIAN_BOYS,
            ROMANIAN_GIRLS,
            ROMANIAN_FAMILY,
            languages=("Romanian",),
            english_first_child=0.3,
            interpreter=0.35,
        ),
        _c(
            "portuguese",
            PORTUGUESE_BOYS,
            PORTUGUESE_GIRLS,
            PORTUGUESE_FAMILY,
            languages=("Portuguese",),
            english_first_child=0.4,
            interpreter=0.25,
        ),
        _c(
            "french",
            FRENCH_BOYS,
            FRENCH_GIRLS,
            FRENCH_FAMILY,
            languages=("French",),
            english_first_child=0.6,
            interpreter=0.1,
        ),
        _c(
            "roma",
            ROMA_BOYS,
            ROMA_GIRLS,
            ROMA_FAMILY,
            languages=("Romani", "Slovak", "Czech", "Romanian"),
            english_first_child=0.2,
            interpreter=0.5,
        ),
        _c(
            "caribbean",
            CARIBBEAN_BOYS + ENGLISH_BOYS[:20],
            CARIBBEAN_GIRLS + ENGLISH_GIRLS[:20],
            CARIBBEAN_FAMILY,
            men=CARIBBEAN_BOYS + ENGLISH_MEN[-25:],
            women=CARIBBEAN_GIRLS + ENGLISH_WOMEN[-25:],
        ),
        _c(
            "nigerian",
            NIGERIAN_BOYS,
            NIGERIAN_GIRLS,
            NIGERIAN_FAMILY,
            languages=("Yoruba", "Igbo", "English"),
            english_first_child=0.8,
            interpreter=0.05,
        ),
        _c(
            "somali",
            SOMALI_BOYS,
            SOMALI_GIRLS,
            SOMALI_FAMILY,
            languages=("Somali",),
            english_first_child=0.4,
            interpreter=0.4,
        ),
        _c(
            "ghanaian",
            GHANAIAN_BOYS,
            GHANAIAN_GIRLS,
            GHANAIAN_FAMILY,
            languages=("Twi", "English"),
            english_first_child=0.8,
            interpreter=0.05,
        ),
        _c(
            "zimbabwean",
            ZIMBABWEAN_BOYS,
            ZIMBABWEAN_GIRLS,
            ZIMBABWEAN_FAMILY,
            languages=("Shona", "English"),
            english_first_child=0.8,
            interpreter=0.05,
        ),
        _c(
            "eritrean",
            ERITREAN_BOYS,
            ERITREAN_GIRLS,
            ERITREAN_FAMILY,
            languages=("Tigrinya",),
            english_first_child=0.2,
            interpreter=0.7,
            single_name=0.15,
        ),
        _c(
            "gujarati",
            GUJARATI_BOYS,
            GUJARATI_GIRLS,
            GUJARATI_FAMILY,
            languages=("Gujarati", "English"),
            english_first_child=0.8,
            interpreter=0.1,
        ),
        _c(
            "sikh",
            SIKH_BOYS,
            SIKH_GIRLS,
            SIKH_FAMILY,
            languages=("Punjabi", "English"),
            english_first_child=0.8,
            interpreter=0.1,
        ),
        _c(
            "pakistani",
            PAKISTANI_BOYS,
            PAKISTANI_GIRLS,
            PAKISTANI_FAMILY,
            languages=("Urdu", "Punjabi"),
            english_first_child=0.6,
            interpreter=0.2,
        ),
        _c(
            "bangladeshi",
            BANGLADESHI_BOYS,
            BANGLADESHI_GIRLS,
            BANGLADESHI_FAMILY,
            languages=("Bengali", "Sylheti"),
            english_first_child=0.6,
            interpreter=0.25,
        ),
        _c(
            "vietnamese",
            VIETNAMESE_BOYS,
            VIETNAMESE_GIRLS,
            VIETNAMESE_FAMILY,
            languages=("Vietnamese",),
            english_first_child=0.4,
            interpreter=0.45,
        ),
        _c(
            "chinese",
            CHINESE_BOYS,
            CHINESE_GIRLS,
            CHINESE_FAMILY,
            languages=("Mandarin", "Cantonese"),
            english_first_child=0.5,
            interpreter=0.3,
        ),
        _c(
            "tamil",
            TAMIL_BOYS,
            TAMIL_GIRLS,
            TAMIL_FAMILY,
            languages=("Tamil",),
            english_first_child=0.5,
            interpreter=0.3,
            single_name=0.05,
        ),
        _c(
            "afghan",
            AFGHAN_BOYS,
            AFGHAN_GIRLS,
            AFGHAN_FAMILY,
            languages=("Pashto", "Dari"),
            english_first_child=0.2,
            interpreter=0.7,
            single_name=0.2,
        ),
        _c(
            "filipino",
            FILIPINO_BOYS,
            FILIPINO_GIRLS,
            FILIPINO_FAMILY,
            languages=("Tagalog", "English"),
            english_first_child=0.7,
            interpreter=0.05,
        ),
        _c(
            "nepali",
            NEPALI_BOYS,
            NEPALI_GIRLS,
            NEPALI_FAMILY,
            languages=("Nepali",),
            english_first_child=0.5,
            interpreter=0.3,
        ),
        _c(
            "arabic",
            ARABIC_BOYS,
            ARABIC_GIRLS,
            ARABIC_FAMILY,
            languages=("Arabic",),
            english_first_child=0.4,
            interpreter=0.4,
        ),
        _c(
            "kurdish",
            KURDISH_BOYS,
            KURDISH_GIRLS,
            KURDISH_FAMILY,
            languages=("Kurdish (Sorani)", "Kurdish (Kurmanji)"),
            english_first_child=0.3,
            interpreter=0.5,
            single_name=0.05,
        ),
        _c(
            "turkish",
            TURKISH_BOYS,
            TURKISH_GIRLS,
            TURKISH_FAMILY,
            languages=("Turkish",),
            english_first_child=0.5,
            interpreter=0.3,
        ),
        _c(
            "iranian",
            IRANIAN_BOYS,
            IRANIAN_GIRLS,
            IRANIAN_FAMILY,
            languages=("Farsi",),
            english_first_child=0.4,
            interpreter=0.4,
        ),
    )
}

# Ethnicity (CIN census code) of the children of a household, approximately the England school census
# shares (pupils, January 2024) rounded; the codes not shown have 0.
CHILD_ETHNICITY: dict[str, float] = {
    "WBRI": 0.620,
    "WIRI": 0.003,
    "WIRT": 0.002,
    "WOTH": 0.075,
    "WROM": 0.006,
    "MWBC": 0.015,
    "MWBA": 0.009,
    "MWAS": 0.018,
    "MOTH": 0.026,
    "AIND": 0.036,
    "APKN": 0.047,
    "ABAN": 0.019,
    "AOTH": 0.019,
    "BCRB": 0.009,
    "BAFR": 0.045,
    "BOTH": 0.006,
    "CHNE": 0.005,
    "OOTH": 0.024,
    "REFU": 0.004,
    "NOBT": 0.012,
}

# For each children's code: the parents' (code, culture) options, weighted. Mixed codes have one parent
# from each side.
ParentSide = tuple[tuple[str, str, float], ...]  # (ethnicity code, culture key, weight)
ETHNIC_ORIGINS: dict[str, tuple[ParentSide, ParentSide]] = {}


def _same(*options: tuple[str, str, float]) -> tuple[ParentSide, ParentSide]:
    return (tuple(options), tuple(options))


ETHNIC_ORIGINS.update(
    {
        "WBRI": _same(("WBRI", "english", 0.94), ("WBRI", "welsh", 0.04), ("WBRI", "irish", 0.02)),
        "WIRI": _same(("WIRI", "irish", 1.0)),
        "WIRT": _same(("WIRT", "traveller", 1.0)),
        "WOTH": _same(
            ("WOTH", "polish", 0.35),
            ("WOTH", "romanian", 0.3),
            ("WOTH", "portuguese", 0.15),
            ("WOTH", "french", 0.1),
            ("WOTH", "turkish", 0.1),
        ),
        "WROM": _same(("WROM", "roma", 1.0)),
        "MWBC": ((("WBRI", "english", 1.0),), (("BCRB", "caribbean", 1.0),)),
        "MWBA": (
            (("WBRI", "english", 1.0),),
            (("BAFR", "nigerian", 0.5), ("BAFR", "ghanaian", 0.25), ("BAFR", "zimbabwean", 0.25)),
        ),
        "MWAS": (
            (("WBRI", "english", 1.0),),
            (
                ("APKN", "pakistani", 0.4),
                ("AIND", "gujarati", 0.3),
                ("ABAN", "bangladeshi", 0.1),
                ("CHNE", "chinese", 0.2),
            ),
        ),
        "MOTH": (
            (("WBRI", "english", 0.7), ("WOTH", "polish", 0.3)),
            (("OOTH", "arabic", 0.4), ("AOTH", "filipino", 0.3), ("OOTH", "iranian", 0.3)),
        ),
        "AIND": _same(("AIND", "gujarati", 0.55), ("AIND", "sikh", 0.45)),
        "APKN": _same(("APKN", "pakistani", 1.0)),
        "ABAN": _same(("ABAN", "bangladeshi", 1.0)),
        "AOTH": _same(
            ("AOTH", "vietnamese", 0.25),
            ("AOTH", "tamil", 0.2),
            ("AOTH", "afghan", 0.25),
            ("AOTH", "filipino", 0.15),
            ("AOTH", "nepali", 0.15),
        ),
        "BCRB": _same(("BCRB", "caribbean", 1.0)),
        "BAFR": _same(
            ("BAFR", "nigerian", 0.4),
            ("BAFR", "somali", 0.25),
            ("BAFR", "ghanaian", 0.15),
            ("BAFR", "eritrean", 0.1),
            ("BAFR", "zimbabwean", 0.1),
        ),
        "BOTH": _same(("BOTH", "caribbean", 0.5), ("BOTH", "nigerian", 0.5)),
        "CHNE": _same(("CHNE", "chinese", 1.0)),
        "OOTH": _same(
            ("OOTH", "arabic", 0.35), ("OOTH", "kurdish", 0.3), ("OOTH", "iranian", 0.2), ("OOTH", "turkish", 0.15)
        ),
        "REFU": _same(("REFU", "english", 0.8), ("REFU", "polish", 0.1), ("REFU", "nigerian", 0.1)),
        "NOBT": _same(
            ("NOBT", "english", 0.7), ("NOBT", "romanian", 0.1), ("NOBT", "pakistani", 0.1), ("NOBT", "somali", 0.1)
        ),
    }
)

# Unaccompanied asylum-seeking children: (ethnicity code, culture key, weight).
UASC_ORIGINS: tuple[tuple[str, str, float], ...] = (
    ("AOTH", "afghan", 0.3),
    ("BAFR", "eritrean", 0.25),
    ("OOTH", "kurdish", 0.15),
    ("OOTH", "arabic", 0.1),
    ("OOTH", "iranian", 0.1),
    ("AOTH", "vietnamese", 0.1),
)

# --- Places -------------------------------------------------------------------------------------
LOCALITY_NAMES = _n(
    "Brackenford Central|Fellgate|Ashcombe|Eastmere|Hollinsworth|Kingsbridge Vale|Marlow Heath|Northwick|"
    "Oakham Fields|Ravensby|Stourleigh|Thornley Moor|Upper Wexcombe|Westerly"
)
AREA_NAMES = _n("North|South|East|West|Central|Coast")
STREET_STEMS = _n(
    "Church|Mill|Station|Victoria|Queen's|King's|Park|School|Chapel|Orchard|Meadow|Oak|Beech|Elm|Willow|"
    "Ash|Hawthorn|Cedar|Birch|Rowan|Holly|Maple|Chestnut|Poplar|Bramble|Foxglove|Primrose|Bluebell|Heather|"
    "Windsor|York|Albert|Alexandra|Gladstone|Nelson|Wellington|Brook|Bridge|Castle|Abbey|Priory|Market|"
    "Manor|Grange|Vicarage|Rectory|Farm|Highfield|Greenfield|Springfield|Fairview|Hillside|Riverside|Canal|"
    "Forge|Tannery|Ropewalk|Coronation|Jubilee|St Mary's|St John's|St George's|Cross|Moor|Heath|Common"
)
STREET_SUFFIXES = _n(
    "Road|Street|Lane|Close|Avenue|Drive|Way|Crescent|Grove|Gardens|Court|Place|Terrace|Walk|Rise|Mews|View|"
    "Road|Street|Road|Close"
)
FLAT_BLOCKS = _n("House|Court|Lodge|Point|Heights|Tower")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters allowed in the inward code (not C I K M O V)
POSTCODE_AREA = "BK"  # not a real postcode area
OUT_OF_AREA = ("HW", "Hollowmere")  # nor this: earlier addresses in another council

SCHOOL_STEMS = _n(
    "Oakfield|Meadowside|Brookvale|Hillcrest|Riverside|Woodlands|Greenacre|Fairfield|Larkrise|Beechwood|"
    "Ashgrove|Kingfisher|Heron|Willowbank|Elmhurst|Foxhill|Highfields|Northgate|Southfield|Westfield|"
    "Eastbrook|Moorlands|Rowan|Hazel|Chestnut|Cedar|Orchard|Springbank|Castle|Abbey|Priory|Mill|"
    "Lime Tree|Holy Trinity|St Mary's|St Joseph's|St Peter's|Our Lady's|St Anne's|All Saints"
)
GP_PRACTICE_FORMS = _n("{} Medical Centre|{} Surgery|The {} Practice|{} Health Centre|{} Family Practice")
