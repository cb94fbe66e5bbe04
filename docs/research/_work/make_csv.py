import csv
S25 = "GB 2762-2025 full text PDF as stored in github.com/5678Hub/jianyu (data/gb2762/GB_2762-2025.pdf); its foreword says the only changes vs GB 2762-2022 are 应用原则, 肉类干制品 Pb/Cd/As/Cr, 包装饮用水 nitrite, 燕窝 nitrite, 表10 wording, 附录A -> crop rows identical to 2022"
FV = "foodmate GB 2762-2022 database https://2762.foodvip.net/index/additive/lists.html?catid=18&type=1"
CG = "GB 2762-2012 table text at http://www.cgets.net/bbs/read-htm-tid-4481-ordertype-desc-ds-1-toread-1.html (baseline for 2012/2017 values)"
DP = "https://dpointernational.com/food-industry-news/food-regulatory/regulatory-update-china-releases-new-standard-for-maximum-levels-of-contaminants-in-foods/ (summary of 2022 changes)"
R = "稻谷以糙米计 (table footnote: paddy rice is judged on brown-rice basis)"
rows = []
def add(p,crop,lim,basis,clause,src,note,cat,chg):
    rows.append([p,crop,lim,basis,clause,src,note,cat,chg])
# ---------------- Pb 4.1 表1 ----------------
pbcat = "谷物及其制品[麦片、面筋、粥类罐头、带馅(料)面米制品除外]"
for crop in ["稻谷","糙米","大米","小麦","小麦粉","玉米","玉米面(渣、片) = 2022 name 玉米粉、玉米糁(渣)","其他谷物 (谷物 general)"]:
    note = R if crop=="稻谷" else ""
    add("Pb",crop,"0.2","total Pb","4.1 (表1)",S25,note,pbcat,"unchanged (2017: 0.2)")
add("Pb","豆类","0.2","total Pb","4.1 (表1)",S25,"豆类 = 干豆、以干豆磨成的粉 (A.1)","豆类及其制品: 豆类","unchanged")
add("Pb","叶菜类蔬菜","0.3","total Pb","4.1 (表1)",S25,"叶菜蔬菜 includes 芸薹类叶菜 (A.1)","叶菜蔬菜","unchanged (2017: 芸薹类蔬菜、叶菜蔬菜 0.3)")
add("Pb","芸薹类蔬菜 (extra row; brassicas)","0.2","total Pb","4.1 (表1)",S25+"; "+FV,"","芸薹类蔬菜、豆类蔬菜、生姜、薯类","CHANGED: 2017 grouped 芸薹类 with 叶菜 at 0.3; 2022 lowered to 0.2")
add("Pb","新鲜蔬菜 general","0.1","total Pb","4.1 (表1)",S25,"applies to all fresh veg except 芸薹类、叶菜、豆类蔬菜、生姜、薯类","新鲜蔬菜(芸薹类蔬菜、叶菜蔬菜、豆类蔬菜、生姜、薯类除外)","exclusion list CHANGED (生姜 added to exclusions); value 0.1 unchanged")
add("Pb","根茎类蔬菜 (= GB 2762 块根和块茎蔬菜, e.g. 萝卜、胡萝卜)","0.1","total Pb","4.1 (表1)",S25,"INFERENCE/mapping: no separate Pb row for 块根和块茎蔬菜; general fresh-veg limit applies, EXCEPT 生姜 0.2 and 薯类 0.2 (A.1 puts 薯类 and 生姜 inside 块根和块茎蔬菜)","新鲜蔬菜(...除外) general row","unchanged for carrots/radish; ginger changed (see 生姜 row)")
add("Pb","生姜 (extra row)","0.2","total Pb","4.1 (表1)",S25,"","芸薹类蔬菜、豆类蔬菜、生姜、薯类","CHANGED: new explicit row in 2022 (under 2017 ginger fell in general fresh veg 0.1)")
add("Pb","茄果类蔬菜","0.1","total Pb","4.1 (表1)",S25,"INFERENCE/mapping: GB 2762 has no 茄果类 category; A.1 '其他新鲜蔬菜(包括瓜果类、鳞茎类和水生类、芽菜类…)' -> general fresh-veg row","新鲜蔬菜(...除外) general row","unchanged")
add("Pb","豆类蔬菜","0.2","total Pb","4.1 (表1)",S25,"","芸薹类蔬菜、豆类蔬菜、生姜、薯类","unchanged (2017: 豆类蔬菜、薯类 0.2)")
add("Pb","薯类","0.2","total Pb","4.1 (表1)",S25,"","芸薹类蔬菜、豆类蔬菜、生姜、薯类","unchanged")
add("Pb","水果 (新鲜水果)","0.1","total Pb","4.1 (表1)",S25,"except 蔓越莓、醋栗 = 0.2","新鲜水果(蔓越莓、醋栗除外)","CHANGED: 2017 exception was the whole class 浆果和其他小粒水果 (0.2); 2022 only 蔓越莓、醋栗 stay at 0.2, other berries now 0.1")
add("Pb","蔓越莓、醋栗 (extra row)","0.2","total Pb","4.1 (表1)",S25,"","蔓越莓、醋栗","CHANGED (see fruit row)")
add("Pb","花生","0.2","total Pb","4.1 (表1)",S25,"花生 falls under 坚果及籽类 (生干坚果及籽类, A.1)","坚果及籽类(生咖啡豆及烘焙咖啡豆除外)","unchanged value (2017 wording: 坚果及籽类(咖啡豆除外) 0.2)")
add("Pb","茶叶","5.0","total Pb","4.1 (表1)",S25,"","其他类: 茶叶","unchanged")
# ---------------- Cd 4.2 表2 ----------------
add("Cd","稻谷","0.2","total Cd","4.2 (表2)",S25,R,"稻谷a、糙米、大米(粉)","unchanged")
add("Cd","糙米","0.2","total Cd","4.2 (表2)",S25,"","稻谷a、糙米、大米(粉)","unchanged")
add("Cd","大米","0.2","total Cd","4.2 (表2)",S25,"2022 wording 大米(粉)","稻谷a、糙米、大米(粉)","unchanged")
for crop in ["小麦","玉米","其他谷物 (谷物 general)"]:
    add("Cd",crop,"0.1","total Cd","4.2 (表2)",S25,"","谷物(稻谷除外)","unchanged")
for crop in ["小麦粉","玉米面(渣、片) = 2022 name 玉米粉、玉米糁(渣)"]:
    add("Cd",crop,"0.1","total Cd","4.2 (表2)",S25,"","谷物碾磨加工品[糙米、大米(粉)除外]","unchanged")
add("Cd","豆类","0.2","total Cd","4.2 (表2)",S25,"","豆类及其制品: 豆类","unchanged")
add("Cd","叶菜类蔬菜","0.2","total Cd","4.2 (表2)",S25,"","叶菜蔬菜","unchanged")
add("Cd","新鲜蔬菜 general","0.05","total Cd","4.2 (表2)",S25+"; "+FV,"","新鲜蔬菜(叶菜蔬菜、豆类蔬菜、块根和块茎蔬菜、茎类蔬菜、黄花菜除外)","exclusion list CHANGED (黄花菜 added); value unchanged")
add("Cd","根茎类蔬菜 (= 块根和块茎蔬菜)","0.1","total Cd","4.2 (表2)",S25,"A.1: 块根和块茎蔬菜 includes 薯类、胡萝卜、萝卜、生姜","豆类蔬菜、块根和块茎蔬菜、茎类蔬菜(芹菜除外)","unchanged")
add("Cd","茎类蔬菜 (extra row)","0.1","total Cd","4.2 (表2)",S25,"芹菜 excepted (0.2)","豆类蔬菜、块根和块茎蔬菜、茎类蔬菜(芹菜除外)","unchanged")
add("Cd","芹菜、黄花菜 (extra row)","0.2","total Cd","4.2 (表2)",S25,"","芹菜、黄花菜","CHANGED: 黄花菜 newly 0.2 (2017: only 芹菜 0.2; 黄花菜 fell in general 0.05)")
add("Cd","茄果类蔬菜","0.05","total Cd","4.2 (表2)",S25,"INFERENCE/mapping: no 茄果类 category; falls in general fresh-veg row","新鲜蔬菜(...除外) general row","unchanged")
add("Cd","豆类蔬菜","0.1","total Cd","4.2 (表2)",S25,"","豆类蔬菜、块根和块茎蔬菜、茎类蔬菜(芹菜除外)","unchanged")
add("Cd","薯类","0.1","total Cd","4.2 (表2)",S25,"INFERENCE/mapping: 薯类 is listed inside 块根和块茎蔬菜 in A.1","块根和块茎蔬菜","unchanged")
add("Cd","水果 (新鲜水果)","0.05","total Cd","4.2 (表2)",S25,"","新鲜水果","unchanged")
add("Cd","花生","0.5","total Cd","4.2 (表2)",S25,"","坚果及籽类: 花生","unchanged")
# ---------------- Hg 4.3 表3 ----------------
for crop in ["稻谷","糙米","大米","玉米","玉米面(渣、片) = 2022 name 玉米粉、玉米糁(渣)","小麦","小麦粉"]:
    add("Hg",crop,"0.02","total Hg","4.3 (表3)",S25,R if crop=="稻谷" else "","稻谷b、糙米、大米(粉)、玉米、玉米粉、玉米糁(渣)、小麦、小麦粉","value unchanged; 2017 wording was 玉米面(渣、片)")
add("Hg","新鲜蔬菜 (all incl. 叶菜/根茎/茄果/豆类蔬菜/薯类)","0.01","total Hg","4.3 (表3)",S25+"; "+FV,"single row covers all fresh vegetables (A.1: 蔬菜 includes 薯类)","蔬菜及其制品: 新鲜蔬菜","unchanged")
# ---------------- As 4.4 表4 ----------------
add("As","稻谷","0.35","inorganic As","4.4 (表4)",S25,R+"; footnote a: may screen with total As first – if total As <= inorganic limit, compliant","谷物: 稻谷b","CHANGED: 2017 稻谷、糙米、大米 inorganic As 0.2 -> 2022 稻谷 0.35")
add("As","糙米","0.35","inorganic As","4.4 (表4)",S25,"","谷物碾磨加工品: 糙米","CHANGED: 2017 0.2 -> 2022 0.35")
add("As","大米","0.2","inorganic As","4.4 (表4)",S25,"2022 wording 大米(粉)","谷物碾磨加工品: 大米(粉)","unchanged (0.2)")
for crop in ["小麦","玉米","其他谷物 (谷物 general)"]:
    add("As",crop,"0.5","total As","4.4 (表4)",S25,"","谷物(稻谷除外)","unchanged")
for crop in ["小麦粉","玉米面(渣、片) = 2022 name 玉米粉、玉米糁(渣)"]:
    add("As",crop,"0.5","total As","4.4 (表4)",S25,"","谷物碾磨加工品[糙米、大米(粉)除外]","unchanged")
add("As","新鲜蔬菜 (all incl. 叶菜/根茎/茄果/豆类蔬菜/薯类)","0.5","total As","4.4 (表4)",S25+"; "+FV,"","蔬菜及其制品: 新鲜蔬菜","unchanged")
# ---------------- Cr 4.7 表7 ----------------
for crop in ["稻谷","小麦","玉米","其他谷物 (谷物 general)"]:
    add("Cr",crop,"1.0","total Cr","4.7 (表7) – NOT 4.5 (4.5 is tin)",S25,R if crop=="稻谷" else "","谷物及其制品: 谷物a","unchanged")
for crop in ["糙米","大米","小麦粉","玉米面(渣、片) = 2022 name 玉米粉、玉米糁(渣)"]:
    add("Cr",crop,"1.0","total Cr","4.7 (表7)",S25,"","谷物及其制品: 谷物碾磨加工品","unchanged")
add("Cr","豆类","1.0","total Cr","4.7 (表7)",S25,"","豆类及其制品: 豆类","unchanged")
add("Cr","新鲜蔬菜 (all incl. 叶菜/根茎/茄果/豆类蔬菜/薯类)","0.5","total Cr","4.7 (表7)",S25+"; "+FV,"","蔬菜及其制品: 新鲜蔬菜","unchanged")
hdr=["pollutant","crop_category","limit_mg_per_kg","basis","clause","source","note","gb2762_category_as_written","change_vs_GB2762_2017"]
with open("/tmp/research/gb2762_limits.csv","w",newline="",encoding="utf-8") as f:
    w=csv.writer(f); w.writerow(hdr); w.writerows(rows)
print(len(rows))
