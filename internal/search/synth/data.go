package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/dxatlas/dxatlas/internal/domain"
)

// bank is one language's phrase bank. Templates hold {slots}: {org},
// {partner}, {in_place} ("in Kenya"), {place}, {people} (the sector's
// enterprises), {people_gen} (Russian genitive), {product}, {tech},
// {tech2}, {tech_any}, and the numbers {n}, {n2}, {pct}, {pct2},
// {months}, {year}.
type bank struct {
	lang     string
	sep      string // between sentences
	generic  string // what {tech2} says of a case with one technology
	titles   []string
	summary  []string
	problem  []string
	solution []string
	impact   []string
	sdg      []string
	enablers []string
	sustain  []string
	lessons  []string
	kpis     []string
	// orgPatterns and partnerPatterns are fmt patterns around a proper
	// name; properName makes one in the language's script.
	orgPatterns     []string
	partnerPatterns []string
	properName      func(r *rand.Rand) string
}

var banks = map[string]*bank{"en": &bankEN, "fr": &bankFR, "es": &bankES, "ru": &bankRU, "ar": &bankAR, "zh": &bankZH}

func (b *bank) orgName(g *gen, name string) string {
	if b.properName != nil {
		name = b.properName(g.r)
	}
	return fmt.Sprintf(b.orgPatterns[g.orgStyle%len(b.orgPatterns)], name)
}

func (b *bank) partnerName(g *gen, name string) string {
	if b.properName != nil {
		name = b.properName(g.r)
	}
	return fmt.Sprintf(pick(g.r, b.partnerPatterns), name)
}

// place is a country as the texts name it; in holds "in <country>" per
// language (the Russian and French forms need the country's gender and
// case, so they are written out).
type place struct {
	code string
	in   map[string]string
}

// name returns the country's UNTERM name in lang without the
// parenthesised article or descriptor.
func (p place) name(lang string) string {
	n := domain.CountryName(p.code, lang)
	if i := strings.Index(n, " ("); i > 0 {
		n = n[:i]
	}
	return n
}

// placeRows: code, English, French, Spanish, Russian "in" forms; Arabic
// and Chinese are built from the UNTERM names.
var placeRows = [][5]string{
	{"KE", "in Kenya", "au Kenya", "en Kenya", "в Кении"},
	{"UG", "in Uganda", "en Ouganda", "en Uganda", "в Уганде"},
	{"TZ", "in Tanzania", "en Tanzanie", "en Tanzania", "в Танзании"},
	{"RW", "in Rwanda", "au Rwanda", "en Rwanda", "в Руанде"},
	{"ET", "in Ethiopia", "en Éthiopie", "en Etiopía", "в Эфиопии"},
	{"GH", "in Ghana", "au Ghana", "en Ghana", "в Гане"},
	{"NG", "in Nigeria", "au Nigéria", "en Nigeria", "в Нигерии"},
	{"SN", "in Senegal", "au Sénégal", "en el Senegal", "в Сенегале"},
	{"CI", "in Côte d'Ivoire", "en Côte d'Ivoire", "en Côte d'Ivoire", "в Кот-д'Ивуаре"},
	{"CM", "in Cameroon", "au Cameroun", "en el Camerún", "в Камеруне"},
	{"BF", "in Burkina Faso", "au Burkina Faso", "en Burkina Faso", "в Буркина-Фасо"},
	{"ML", "in Mali", "au Mali", "en Malí", "в Мали"},
	{"NE", "in Niger", "au Niger", "en el Níger", "в Нигере"},
	{"MA", "in Morocco", "au Maroc", "en Marruecos", "в Марокко"},
	{"TN", "in Tunisia", "en Tunisie", "en Túnez", "в Тунисе"},
	{"EG", "in Egypt", "en Égypte", "en Egipto", "в Египте"},
	{"ZA", "in South Africa", "en Afrique du Sud", "en Sudáfrica", "в Южной Африке"},
	{"ZM", "in Zambia", "en Zambie", "en Zambia", "в Замбии"},
	{"MZ", "in Mozambique", "au Mozambique", "en Mozambique", "в Мозамбике"},
	{"MG", "in Madagascar", "à Madagascar", "en Madagascar", "на Мадагаскаре"},
	{"BJ", "in Benin", "au Bénin", "en Benin", "в Бенине"},
	{"IN", "in India", "en Inde", "en la India", "в Индии"},
	{"BD", "in Bangladesh", "au Bangladesh", "en Bangladesh", "в Бангладеш"},
	{"NP", "in Nepal", "au Népal", "en Nepal", "в Непале"},
	{"PK", "in Pakistan", "au Pakistan", "en el Pakistán", "в Пакистане"},
	{"LK", "in Sri Lanka", "au Sri Lanka", "en Sri Lanka", "в Шри-Ланке"},
	{"VN", "in Viet Nam", "au Viet Nam", "en Viet Nam", "во Вьетнаме"},
	{"KH", "in Cambodia", "au Cambodge", "en Camboya", "в Камбодже"},
	{"LA", "in the Lao People's Democratic Republic", "en République démocratique populaire lao", "en la República Democrática Popular Lao", "в Лаосе"},
	{"ID", "in Indonesia", "en Indonésie", "en Indonesia", "в Индонезии"},
	{"PH", "in the Philippines", "aux Philippines", "en Filipinas", "на Филиппинах"},
	{"TH", "in Thailand", "en Thaïlande", "en Tailandia", "в Таиланде"},
	{"CN", "in China", "en Chine", "en China", "в Китае"},
	{"MN", "in Mongolia", "en Mongolie", "en Mongolia", "в Монголии"},
	{"KZ", "in Kazakhstan", "au Kazakhstan", "en Kazajstán", "в Казахстане"},
	{"KG", "in Kyrgyzstan", "au Kirghizistan", "en Kirguistán", "в Кыргызстане"},
	{"UZ", "in Uzbekistan", "en Ouzbékistan", "en Uzbekistán", "в Узбекистане"},
	{"TJ", "in Tajikistan", "au Tadjikistan", "en Tayikistán", "в Таджикистане"},
	{"JO", "in Jordan", "en Jordanie", "en Jordania", "в Иордании"},
	{"LB", "in Lebanon", "au Liban", "en el Líbano", "в Ливане"},
	{"YE", "in Yemen", "au Yémen", "en el Yemen", "в Йемене"},
	{"IQ", "in Iraq", "en Iraq", "en el Iraq", "в Ираке"},
	{"MX", "in Mexico", "au Mexique", "en México", "в Мексике"},
	{"GT", "in Guatemala", "au Guatemala", "en Guatemala", "в Гватемале"},
	{"HN", "in Honduras", "au Honduras", "en Honduras", "в Гондурасе"},
	{"CO", "in Colombia", "en Colombie", "en Colombia", "в Колумбии"},
	{"PE", "in Peru", "au Pérou", "en el Perú", "в Перу"},
	{"BO", "in Bolivia", "en Bolivie", "en Bolivia", "в Боливии"},
	{"EC", "in Ecuador", "en Équateur", "en el Ecuador", "в Эквадоре"},
	{"BR", "in Brazil", "au Brésil", "en el Brasil", "в Бразилии"},
	{"PY", "in Paraguay", "au Paraguay", "en el Paraguay", "в Парагвае"},
	{"JM", "in Jamaica", "en Jamaïque", "en Jamaica", "на Ямайке"},
	{"HT", "in Haiti", "en Haïti", "en Haití", "на Гаити"},
	{"DO", "in the Dominican Republic", "en République dominicaine", "en la República Dominicana", "в Доминиканской Республике"},
	{"FJ", "in Fiji", "aux Fidji", "en Fiji", "на Фиджи"},
	{"PG", "in Papua New Guinea", "en Papouasie-Nouvelle-Guinée", "en Papua Nueva Guinea", "в Папуа — Новой Гвинее"},
	{"WS", "in Samoa", "au Samoa", "en Samoa", "в Самоа"},
	{"VU", "in Vanuatu", "au Vanuatu", "en Vanuatu", "в Вануату"},
	{"MD", "in the Republic of Moldova", "en République de Moldova", "en la República de Moldova", "в Молдове"},
	{"GE", "in Georgia", "en Géorgie", "en Georgia", "в Грузии"},
	{"AM", "in Armenia", "en Arménie", "en Armenia", "в Армении"},
	{"AZ", "in Azerbaijan", "en Azerbaïdjan", "en Azerbaiyán", "в Азербайджане"},
	{"RS", "in Serbia", "en Serbie", "en Serbia", "в Сербии"},
}

var (
	places     = map[string]place{}
	placeCodes []string
)

func init() {
	for _, row := range placeRows {
		p := place{code: row[0], in: map[string]string{"en": row[1], "fr": row[2], "es": row[3], "ru": row[4]}}
		p.in["ar"] = "في " + p.name("ar")
		p.in["zh"] = "在" + p.name("zh")
		places[p.code] = p
		placeCodes = append(placeCodes, p.code)
	}
}

// sectorText names a sector's enterprises (people: Russian has the
// nominative and the genitive) and typical products.
type sectorText struct {
	people   map[string][]string
	products []map[string]string
}

// l6 builds a per-language map in the order ar, zh, en, fr, ru, es.
func l6(ar, zh, en, fr, ru, es string) map[string]string {
	return map[string]string{"ar": ar, "zh": zh, "en": en, "fr": fr, "ru": ru, "es": es}
}

func people(ar, zh, en, fr, ruNom, ruGen, es string) map[string][]string {
	return map[string][]string{"ar": {ar}, "zh": {zh}, "en": {en}, "fr": {fr}, "ru": {ruNom, ruGen}, "es": {es}}
}

// Products: Russian in the genitive ("производство кофе").
var sectorTexts = map[string]sectorText{
	"A": {people("صغار المزارعين", "小农户", "smallholder farmers", "les petits producteurs agricoles", "мелкие фермеры", "мелких фермеров", "los pequeños productores agrícolas"),
		[]map[string]string{
			l6("البن", "咖啡", "coffee", "café", "кофе", "café"),
			l6("الكاكاو", "可可", "cocoa", "cacao", "какао", "cacao"),
			l6("الحليب", "牛奶", "milk", "lait", "молока", "leche"),
			l6("الخضروات", "蔬菜", "vegetables", "légumes", "овощей", "hortalizas"),
			l6("العسل", "蜂蜜", "honey", "miel", "мёда", "miel"),
			l6("الشاي", "茶叶", "tea", "thé", "чая", "té"),
			l6("الأسماك", "鱼类", "fish", "poisson", "рыбы", "pescado"),
		}},
	"C": {people("المصانع الصغيرة", "中小制造企业", "small manufacturers", "les petites entreprises manufacturières", "малые производственные предприятия", "малых производственных предприятий", "los pequeños fabricantes"),
		[]map[string]string{
			l6("المنسوجات", "纺织品", "textiles", "textile", "текстиля", "textiles"),
			l6("الأثاث", "家具", "furniture", "meubles", "мебели", "muebles"),
			l6("الأغذية المصنعة", "加工食品", "processed food", "produits alimentaires transformés", "пищевой продукции", "alimentos procesados"),
			l6("القطع المعدنية", "金属零件", "metal parts", "pièces métalliques", "металлических деталей", "piezas metálicas"),
			l6("المنتجات الجلدية", "皮革制品", "leather goods", "articles en cuir", "кожаных изделий", "artículos de cuero"),
		}},
	"G": {people("صغار التجار", "小商户", "small retailers", "les petits commerçants", "мелкие торговцы", "мелких торговцев", "los pequeños comerciantes"),
		[]map[string]string{
			l6("المواد الغذائية", "食品杂货", "groceries", "produits d'épicerie", "продуктов питания", "abarrotes"),
			l6("الملابس", "服装", "clothing", "vêtements", "одежды", "ropa"),
			l6("قطع الغيار", "汽配", "spare parts", "pièces détachées", "запчастей", "repuestos"),
			l6("الأدوية", "药品", "medicines", "médicaments", "лекарств", "medicamentos"),
		}},
	"I": {people("بيوت الضيافة والمطاعم العائلية", "家庭民宿和餐馆", "family-run guesthouses and restaurants", "les maisons d'hôtes et restaurants familiaux", "семейные гостиницы и кафе", "семейных гостиниц и кафе", "los hostales y restaurantes familiares"),
		[]map[string]string{
			l6("السياحة البيئية", "生态旅游", "ecotourism", "écotourisme", "экотуризма", "ecoturismo"),
			l6("المأكولات المحلية", "地方美食", "local food", "cuisine locale", "местной кухни", "comida local"),
			l6("الإقامة لدى الأسر", "农家乐", "homestays", "séjours chez l'habitant", "гостевых домов", "alojamiento familiar"),
		}},
	"H": {people("شركات النقل الصغيرة", "小型运输企业", "small transport operators", "les petits transporteurs", "малые транспортные компании", "малых транспортных компаний", "los pequeños transportistas"),
		[]map[string]string{
			l6("الشحن البري", "公路货运", "road freight", "fret routier", "автомобильных грузоперевозок", "carga por carretera"),
			l6("سلسلة التبريد", "冷链物流", "cold chain", "chaîne du froid", "холодовой цепи", "cadena de frío"),
			l6("التوصيل إلى المنازل", "末端配送", "last-mile delivery", "livraison du dernier kilomètre", "доставки последней мили", "entrega de última milla"),
		}},
	"K": {people("مؤسسات التمويل الأصغر وعملائها", "小额信贷机构及其客户", "microfinance institutions and their clients", "les institutions de microfinance et leurs clients", "микрофинансовые организации и их клиенты", "микрофинансовых организаций и их клиентов", "las instituciones de microfinanzas y sus clientes"),
		[]map[string]string{
			l6("القروض الصغيرة", "小额贷款", "microloans", "microcrédits", "микрозаймов", "microcréditos"),
			l6("مجموعات الادخار", "储蓄小组", "savings groups", "groupes d'épargne", "сберегательных групп", "grupos de ahorro"),
			l6("التأمين الأصغر", "小额保险", "microinsurance", "microassurance", "микрострахования", "microseguros"),
		}},
	"P": {people("مراكز التدريب الخاصة", "民办培训机构", "private training centres", "les centres de formation privés", "частные учебные центры", "частных учебных центров", "los centros de formación privados"),
		[]map[string]string{
			l6("التدريب المهني", "职业培训", "vocational training", "formation professionnelle", "профессионального обучения", "formación profesional"),
			l6("تعليم اللغات", "语言教学", "language courses", "cours de langues", "языковых курсов", "cursos de idiomas"),
		}},
	"Q": {people("الصيدليات والعيادات المجتمعية", "社区药店和诊所", "community pharmacies and clinics", "les pharmacies et cliniques de proximité", "аптеки и частные клиники", "аптек и частных клиник", "las farmacias y clínicas comunitarias"),
		[]map[string]string{
			l6("الأدوية الأساسية", "基本药物", "essential medicines", "médicaments essentiels", "основных лекарств", "medicamentos esenciales"),
			l6("الفحوص التشخيصية", "诊断检测", "diagnostic tests", "tests de diagnostic", "диагностических тестов", "pruebas diagnósticas"),
		}},
	"J": {people("شركات البرمجيات الصغيرة", "小型软件企业", "small software and media firms", "les petites entreprises du numérique", "небольшие ИТ-компании", "небольших ИТ-компаний", "las pequeñas empresas de software"),
		[]map[string]string{
			l6("التطبيقات المحلية", "本地应用", "local apps", "applications locales", "местных приложений", "aplicaciones locales"),
			l6("المحتوى الرقمي", "数字内容", "digital content", "contenus numériques", "цифрового контента", "contenidos digitales"),
		}},
	"M": {people("مكاتب المحاسبة والهندسة الصغيرة", "小型会计师事务所和设计公司", "small accounting and engineering firms", "les petits cabinets comptables et bureaux d'études", "небольшие бухгалтерские и инженерные фирмы", "небольших бухгалтерских и инженерных фирм", "los pequeños despachos contables y de ingeniería"),
		[]map[string]string{
			l6("الخدمات المحاسبية", "会计服务", "accounting services", "services comptables", "бухгалтерских услуг", "servicios contables"),
			l6("الدراسات الهندسية", "工程设计", "engineering studies", "études techniques", "инженерных изысканий", "estudios de ingeniería"),
		}},
	"E": {people("جامعي النفايات وشركات إعادة التدوير", "废品回收从业者和再生资源企业", "waste pickers and recycling businesses", "les récupérateurs et entreprises de recyclage", "сборщики вторсырья и перерабатывающие предприятия", "сборщиков вторсырья и перерабатывающих предприятий", "los recicladores y empresas de reciclaje"),
		[]map[string]string{
			l6("البلاستيك المعاد تدويره", "再生塑料", "recycled plastic", "plastique recyclé", "вторичного пластика", "plástico reciclado"),
			l6("النفايات العضوية", "有机废弃物", "organic waste", "déchets organiques", "органических отходов", "residuos orgánicos"),
		}},
	"F": {people("شركات البناء الصغيرة", "小型建筑企业", "small construction firms", "les petites entreprises du bâtiment", "малые строительные компании", "малых строительных компаний", "las pequeñas constructoras"),
		[]map[string]string{
			l6("المساكن الميسورة", "经济适用房", "affordable housing", "logements abordables", "доступного жилья", "vivienda asequible"),
			l6("مواد البناء", "建筑材料", "building materials", "matériaux de construction", "строительных материалов", "materiales de construcción"),
		}},
	"S": {people("الخياطين والحلاقين وورش الإصلاح", "裁缝店、理发店和维修店", "tailors, hairdressers and repair shops", "les tailleurs, coiffeurs et réparateurs", "портные, парикмахеры и ремонтные мастерские", "портных, парикмахеров и ремонтных мастерских", "los sastres, peluqueros y talleres de reparación"),
		[]map[string]string{
			l6("إصلاح الهواتف", "手机维修", "phone repair", "réparation de téléphones", "ремонта телефонов", "reparación de teléfonos"),
			l6("الخياطة", "裁缝", "tailoring", "couture", "пошива одежды", "confección"),
		}},
	"R": {people("الفنانين المستقلين وورش الحرف اليدوية", "独立艺术家和手工艺工作室", "independent artists and craft studios", "les artistes indépendants et ateliers d'artisanat", "независимые музыканты и ремесленные мастерские", "независимых музыкантов и ремесленных мастерских", "los artistas independientes y talleres artesanales"),
		[]map[string]string{
			l6("الموسيقى", "音乐", "music", "musique", "музыки", "música"),
			l6("الحرف اليدوية", "手工艺品", "handicrafts", "artisanat", "ремесленных изделий", "artesanías"),
		}},
	"N": {people("منظمي الرحلات السياحية الصغار", "小型旅行社", "small tour operators", "les petits voyagistes", "небольшие туроператоры", "небольших туроператоров", "los pequeños operadores turísticos"),
		[]map[string]string{
			l6("الرحلات البيئية", "生态游线路", "nature tours", "circuits nature", "экологических туров", "tours de naturaleza"),
		}},
	"D": {people("مزودي الطاقة الشمسية الصغار", "小型太阳能服务商", "small solar energy providers", "les petits fournisseurs d'énergie solaire", "небольшие поставщики солнечной энергии", "небольших поставщиков солнечной энергии", "los pequeños proveedores de energía solar"),
		[]map[string]string{
			l6("أنظمة الطاقة الشمسية المنزلية", "户用太阳能系统", "solar home systems", "kits solaires domestiques", "домашних солнечных систем", "sistemas solares domiciliarios"),
		}},
}

// sectorTechs are the technologies plausible in a sector.
var sectorTechs = map[string][]string{
	"A": {"payments", "supply_chain", "iot", "analytics", "connectivity", "ecommerce", "cloud", "blockchain"},
	"C": {"erp", "iot", "automation", "ai", "digital_twin", "cad_3d", "ecommerce", "cloud", "analytics"},
	"G": {"payments", "ecommerce", "erp", "crm", "web_social", "analytics", "cloud"},
	"I": {"ecommerce", "web_social", "crm", "payments", "ar_vr", "cloud"},
	"H": {"supply_chain", "iot", "analytics", "egov", "cloud", "connectivity"},
	"K": {"payments", "cloud", "crm", "cybersecurity", "analytics", "ai"},
	"P": {"skills", "collaboration", "cloud", "web_social", "ar_vr"},
	"Q": {"supply_chain", "cloud", "analytics", "erp", "cybersecurity"},
	"J": {"cloud", "ai", "cybersecurity", "web_social", "collaboration"},
	"M": {"cloud", "erp", "cybersecurity", "egov", "collaboration", "cad_3d"},
	"E": {"payments", "iot", "analytics", "supply_chain"},
	"F": {"cad_3d", "collaboration", "egov", "digital_twin", "cloud"},
	"S": {"payments", "web_social", "skills", "crm"},
	"R": {"ecommerce", "web_social", "cloud", "analytics", "payments"},
	"N": {"ecommerce", "crm", "web_social", "payments"},
	"D": {"iot", "payments", "analytics", "connectivity"},
}

// techTexts name what was deployed; Russian in a form where the
// accusative equals the nominative, Spanish without article.
var techTexts = map[string]map[string]string{
	"connectivity":  l6("الاتصال بالإنترنت بتكلفة معقولة", "低成本网络连接", "affordable internet connectivity", "une connexion internet abordable", "доступный интернет", "conectividad a internet asequible"),
	"cloud":         l6("الخدمات السحابية", "云服务", "cloud services", "des services en nuage", "облачные сервисы", "servicios en la nube"),
	"web_social":    l6("موقع إلكتروني ووسائل التواصل الاجتماعي", "网站和社交媒体", "a website and social media", "un site web et les réseaux sociaux", "сайт и социальные сети", "sitio web y redes sociales"),
	"ecommerce":     l6("متجر إلكتروني", "电商平台", "an online marketplace", "une place de marché en ligne", "онлайн-маркетплейсы", "tienda en línea"),
	"payments":      l6("الدفع عبر الهاتف المحمول", "移动支付", "mobile-money payments", "le paiement mobile", "мобильные платежи", "pagos móviles"),
	"egov":          l6("الخدمات الحكومية الإلكترونية", "在线政务服务", "online government services", "des démarches administratives en ligne", "электронные госуслуги", "trámites gubernamentales en línea"),
	"erp":           l6("برنامج للمحاسبة وإدارة المخزون", "进销存和财务软件", "cloud accounting and inventory software", "un logiciel de gestion et de comptabilité", "учетные программы для бухгалтерии и склада", "software de gestión y contabilidad"),
	"crm":           l6("نظام لإدارة العلاقات مع العملاء", "客户关系管理系统", "a customer relationship management tool", "un outil de gestion de la relation client", "инструменты CRM", "herramienta de gestión de clientes"),
	"supply_chain":  l6("التتبع الرقمي والفوترة الإلكترونية", "数字溯源和电子发票", "digital traceability and e-invoicing", "la traçabilité numérique et la facturation électronique", "электронные накладные и средства прослеживаемости", "trazabilidad digital y facturación electrónica"),
	"collaboration": l6("أدوات العمل التعاوني عبر الإنترنت", "在线协作工具", "online collaboration tools", "des outils collaboratifs en ligne", "инструменты совместной работы", "herramientas colaborativas en línea"),
	"analytics":     l6("لوحات متابعة لتحليل البيانات", "数据分析看板", "data analytics dashboards", "des tableaux de bord d'analyse de données", "аналитические панели", "tableros de análisis de datos"),
	"ai":            l6("الذكاء الاصطناعي", "人工智能", "artificial intelligence", "l'intelligence artificielle", "искусственный интеллект", "inteligencia artificial"),
	"iot":           l6("أجهزة استشعار منخفضة التكلفة لإنترنت الأشياء", "低成本物联网传感器", "low-cost IoT sensors", "des capteurs connectés à bas coût", "недорогие датчики интернета вещей", "sensores IoT de bajo costo"),
	"automation":    l6("أتمتة العمليات", "自动化设备", "simple automation and robotics", "l'automatisation des tâches répétitives", "средства автоматизации производства", "automatización de procesos"),
	"digital_twin":  l6("توأم رقمي للورشة", "车间数字孪生", "a digital twin of the workshop", "un jumeau numérique de l'atelier", "модели цифрового двойника цеха", "gemelo digital del taller"),
	"cad_3d":        l6("التصميم بمساعدة الحاسوب والطباعة الثلاثية الأبعاد", "计算机辅助设计和3D打印", "computer-aided design and 3D printing", "la conception assistée par ordinateur et l'impression 3D", "САПР и 3D-печать", "diseño asistido por computadora e impresión 3D"),
	"ar_vr":         l6("الواقع المعزز", "增强现实", "augmented reality", "la réalité augmentée", "дополненная реальность", "realidad aumentada"),
	"blockchain":    l6("سجل مشترك قائم على سلاسل الكتل", "区块链共享账本", "a shared blockchain ledger", "un registre partagé sur chaîne de blocs", "общий реестр на блокчейне", "registro compartido en cadena de bloques"),
	"cybersecurity": l6("حماية أساسية في مجال الأمن السيبراني", "基础网络安全防护", "basic cybersecurity protection", "une protection de cybersécurité de base", "базовые средства защиты от киберугроз", "protección básica de ciberseguridad"),
	"skills":        l6("التدريب على المهارات الرقمية", "数字技能培训", "digital skills training", "une formation aux compétences numériques", "курсы цифровых навыков", "capacitación en habilidades digitales"),
}
